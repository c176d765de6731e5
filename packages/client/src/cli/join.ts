// `sealpeer join URI`: pairs with the inviter named by an invite URI (Noise IKpsk2 with the invite's
// secret as psk), then exchanges texts over the sealed session.
import { SealpeerClient } from '../client.ts';
import { InviteError } from '../errors/client-errors.ts';
import { parseInviteUri } from '../invite/payload.ts';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  clientOptions,
  commonOptions,
  pairAndExchange,
  runPairingCommand,
  UsageError,
} from './pairing-common.ts';

const HELP = `Usage: sealpeer join URI [--send TEXT] [--json] [options]

Pairs with the device that ran \`sealpeer invite\` (URI is its invite, https://host/p#...), checks the
inviter's keys against the invite, and exchanges texts sealed end to end.

${COMMON_HELP}
`;

export async function main(argv: string[], env = process.env): Promise<number> {
  return runPairingCommand(argv, COMMON_OPTIONS, HELP, async ({ values, positionals }, run) => {
    if (positionals.length !== 1) throw new UsageError('expected exactly one invite URI');
    const o = commonOptions(values, env);
    const uri = positionals[0]!;
    try {
      parseInviteUri(uri);
    } catch (e) {
      if (e instanceof InviteError && e.code !== 'invite_expired')
        throw new UsageError(`${e.message} (${e.code})`);
      throw e;
    }
    const joined = await SealpeerClient.joinInvite(uri, await clientOptions(o));
    run.client = joined.client;
    return await pairAndExchange(joined.client, joined.session, o);
  });
}
