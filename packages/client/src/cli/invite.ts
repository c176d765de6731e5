// `sealpeer invite --server URL`: creates a private channel, shows a one-time QR invite, waits for the
// scanner, then exchanges texts over the sealed session (docs/protocol.md Part 2, path 1).
import { SealpeerClient } from '../client.ts';
import { inviteQrTerminal } from '../invite/qr.ts';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  clientOptions,
  commonOptions,
  emit,
  hint,
  pairAndExchange,
  runPairingCommand,
  serverOption,
  UsageError,
} from './pairing-common.ts';

const HELP = `Usage: sealpeer invite --server URL [--send TEXT] [--json] [options]

Creates a private channel on the relay server, prints a one-time invite (a QR code in the terminal, or
with --json one line {"event":"invite","uri":...}), waits for a peer to run \`sealpeer join URI\` (or to
scan the QR), pairs with it over Noise IKpsk2 and exchanges texts sealed end to end.

  --server URL      relay server, e.g. http://127.0.0.1:8080 (env SEALPEER_SERVER)
  --app-origin URL  origin of the web app for the invite link (default: the server; env SEALPEER_APP_ORIGIN)
  --ttl SEC         invite lifetime in seconds (default 600)
${COMMON_HELP}
`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  server: { type: 'string' },
  'app-origin': { type: 'string' },
  ttl: { type: 'string' },
} as const;

export async function main(argv: string[], env = process.env): Promise<number> {
  return runPairingCommand(argv, OPTIONS, HELP, async ({ values, positionals }, run) => {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const server = serverOption(values.server, env);
    const ttl = values.ttl === undefined ? 600 : Number(values.ttl);
    if (!Number.isInteger(ttl) || ttl < 10 || ttl > 86_400)
      throw new UsageError('--ttl must be 10..86400 seconds');
    const o = commonOptions(values, env);
    const client = await SealpeerClient.connect({ server, ...(await clientOptions(o)) });
    run.client = client;
    const invite = client.createInvite({
      appOrigin: values['app-origin'] ?? env.SEALPEER_APP_ORIGIN,
      ttlMs: ttl * 1000,
    });
    if (o.json) emit({ event: 'invite', uri: invite.uri, expiresAt: invite.expiresAt.toISOString() });
    else process.stdout.write(`${await inviteQrTerminal(invite.uri)}\n${invite.uri}\n`);
    hint(o, `Waiting for a peer (invite valid until ${invite.expiresAt.toISOString()})...`);
    client.on('refused', (reason, from) => emit({ event: 'refused', reason, from }));
    return await pairAndExchange(client, invite.session, o);
  });
}
