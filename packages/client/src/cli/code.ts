// `sealpeer code show|type`: pairing by short code from a terminal (docs/protocol.md Part 2, 2.7 path 2,
// CPace then Noise XXpsk3), then the same text exchange as invite/join (2.12). Both devices are in one
// channel: `show` creates a private one (or uses --channel) and prints its link; `type` joins it.
import { SealpeerClient } from '../client.ts';
import { parseCode } from '../pairing/code.ts';
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

const HELP = `Usage: sealpeer code show --server URL [--channel ID|LINK] [--send TEXT] [--json] [options]
       sealpeer code type CODE --channel ID|LINK [--server URL] [--send TEXT] [--json] [options]
Pairs two devices with a short code (NNN-DDDDDD) instead of a QR invite, then exchanges texts sealed end
to end. \`show\` prints a one-try code and the channel link and waits; on the other device \`type\` (or
the web app's "Type a short code" in that channel) enters it. A wrong code spends it: show a new one.
\`show\` prints the code and the link (with --json: {"event":"code","code":"NNN-DDDDDD","channelId":...,
"channelLink":...}) before anything else.
  --server URL      relay server, e.g. http://127.0.0.1:8080 (env SEALPEER_SERVER); for \`type\` it
                    defaults to the origin of a channel LINK
  --channel ID|LINK the channel, as its id or its link https://host/#/c/<id> (env SEALPEER_CHANNEL);
                    \`show\` creates a private channel without it
  --app-origin URL  origin of the web app for the printed channel link (show; default: the server;
                    env SEALPEER_APP_ORIGIN)
  --ttl SEC         how long \`show\` waits for the code to be typed (default 600)
${COMMON_HELP}
`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  server: { type: 'string' },
  channel: { type: 'string' },
  'app-origin': { type: 'string' },
  ttl: { type: 'string' },
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A channel given as its id or its app link (`https://host/#/c/<id>`): the id, and the link's origin. */
export function parseChannel(value: string): { channelId: string; origin?: string } {
  if (UUID.test(value)) return { channelId: value.toLowerCase() };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--channel must be a channel id or a channel link (got '${value}')`);
  }
  const m = /^#\/c\/([^/]+)(\/|$)/.exec(url.hash);
  if (!/^https?:$/.test(url.protocol) || !m?.[1] || !UUID.test(m[1]))
    throw new UsageError(`--channel link must look like https://host/#/c/<channel id> (got '${value}')`);
  return { channelId: m[1].toLowerCase(), origin: url.origin };
}

/** Waits up to `ms` for the shown code to pair; after that the code is cancelled. */
function withinTtl<T>(p: Promise<T>, ms: number, cancel: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Reject first: cancelling rejects `p` too, and the race must report the expiry.
      reject(
        Object.assign(new Error('nobody typed the code in time: run `sealpeer code show` again'), {
          code: 'timeout',
        }),
      );
      cancel();
    }, ms);
  });
  return Promise.race([p, expired]).finally(() => clearTimeout(timer));
}

export async function main(argv: string[], env = process.env): Promise<number> {
  return runPairingCommand(argv, OPTIONS, HELP, async ({ values, positionals }, run) => {
    const [action, ...rest] = positionals;
    const o = commonOptions(values, env);
    const channelArg = values.channel ?? env.SEALPEER_CHANNEL;
    const channel = channelArg === undefined ? undefined : parseChannel(channelArg);
    if (action === 'show') {
      if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
      const server = serverOption(values.server, env);
      const ttl = values.ttl === undefined ? 600 : Number(values.ttl);
      if (!Number.isInteger(ttl) || ttl < 10 || ttl > 86_400)
        throw new UsageError('--ttl must be 10..86400 seconds');
      const client = await SealpeerClient.connect({
        server,
        ...(channel ? { channelId: channel.channelId } : {}),
        ...(await clientOptions(o)),
      });
      run.client = client;
      const shown = client.showCode();
      const origin = new URL(values['app-origin'] ?? env.SEALPEER_APP_ORIGIN ?? server).origin;
      const channelLink = `${origin}/#/c/${client.channelId}`;
      if (o.json) emit({ event: 'code', code: shown.code, channelId: client.channelId, channelLink });
      else process.stdout.write(`${shown.code}\n${channelLink}\n`);
      hint(
        o,
        `On the other device: sealpeer code type ${shown.code} --channel ${channelLink}\n` +
          'or open the channel link in the app and choose "Type a short code". Waiting...',
      );
      return await pairAndExchange(client, withinTtl(shown.session, ttl * 1000, shown.cancel), o, 'shared');
    }
    if (action === 'type') {
      if (rest.length !== 1) throw new UsageError('expected the code: sealpeer code type NNN-DDDDDD');
      if (values.ttl !== undefined) throw new UsageError('--ttl is for `sealpeer code show`');
      let code: string;
      try {
        code = parseCode(rest[0]!).code;
      } catch {
        throw new UsageError(`a code looks like 123-456789 (got '${rest[0]}')`);
      }
      if (!channel) throw new UsageError('--channel ID|LINK is required (the channel `code show` printed)');
      const server = serverOption(values.server ?? channel.origin, env);
      const client = await SealpeerClient.connect({
        server,
        channelId: channel.channelId,
        ...(await clientOptions(o)),
      });
      run.client = client;
      return await pairAndExchange(client, client.joinWithCode(code), o, 'shared');
    }
    throw new UsageError(
      action === undefined ? 'expected `show` or `type`' : `unknown action '${action}' (show or type)`,
    );
  });
}
