// `sealpeer-server admin`: the operator controls of the admin listener (src/admin/routes.ts,
// docs/operators/admin.md) from a shell. Talks JSON to --admin-url (default http://127.0.0.1:9090).
// Exit 0 done, 1 refused by the server or the listener unreachable, 2 bad usage.
import {
  type Reader,
  readBan,
  readBans,
  readClients,
  readError,
  readKick,
  readLift,
  readLimits,
  readPurge,
} from './admin/answers.ts';
import { parseDuration } from './parse.ts';

export const ADMIN_URL_ENV = 'SEALPEER_ADMIN_URL';
const DEFAULT_URL = 'http://127.0.0.1:9090';

export function adminHelp(): string {
  return [
    'Usage: sealpeer-server admin [--admin-url URL] [--json] COMMAND [ARGS]',
    '',
    'Operator controls of a running server, through its admin listener (127.0.0.1 only: run this on',
    'the server host, or through an SSH tunnel). Kicks and purges act on the node asked; bans are kept',
    'in the store and reach every node sharing it within 5 s.',
    '',
    'Commands:',
    '  clients                                  channels and clients connected to this node',
    '  kick CLIENT_ID                           close the client\'s socket (close 4410 "kicked")',
    '  ban ip ADDRESS|CIDR --for DURATION [--reason TEXT]',
    '                                           refuse an address or range (IPv4/IPv6), cut its sockets',
    '  ban credential CLIENT_ID --for DURATION [--reason TEXT]',
    "                                           refuse a credential's logins, cut its socket",
    '  bans                                     running bans',
    '  unban ip|credential TARGET               lift a ban',
    '  purge-channel CHANNEL_ID                 delete a channel and its credentials, disconnect its members',
    '  limits                                   current limits, and the ranges of those changeable now',
    '  limits set KEY=VALUE...                  change runtime limits (durations like 10s for ...Ms keys)',
    '',
    'Options:',
    `  --admin-url URL    admin listener (default: ${DEFAULT_URL}; env ${ADMIN_URL_ENV})`,
    "  --json             print the server's JSON answer instead of text",
    '  --help             show this help',
    '',
    'Durations: 30s, 10m, 1h, 7d (1 second to 365 days). Every action is logged by the server as',
    'one "event":"admin_action" line.',
    '',
  ].join('\n');
}

class Usage extends Error {}

interface Parsed {
  url: string;
  json: boolean;
  help: boolean;
  forDuration: string | undefined;
  reason: string | undefined;
  args: string[];
}

function parse(argv: readonly string[], env: NodeJS.ProcessEnv): Parsed {
  const p: Parsed = {
    url: env[ADMIN_URL_ENV] ?? DEFAULT_URL,
    json: false,
    help: false,
    forDuration: undefined,
    reason: undefined,
    args: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new Usage(`${flag} needs a value`);
      return v;
    };
    if (flag === '--help' || flag === '-h') p.help = true;
    else if (flag === '--json') p.json = true;
    else if (flag === '--admin-url') p.url = value();
    else if (flag === '--for') p.forDuration = value();
    else if (flag === '--reason') p.reason = value();
    else if (a.startsWith('-')) throw new Usage(`unknown option '${a}' (see sealpeer-server admin --help)`);
    else p.args.push(a);
  }
  let u: URL;
  try {
    u = new URL(p.url);
  } catch {
    throw new Usage(`--admin-url wants a URL like ${DEFAULT_URL}, got '${p.url}'`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new Usage(`--admin-url wants an http:// URL like ${DEFAULT_URL}, got '${p.url}'`);
  p.url = u.origin;
  return p;
}

interface Call {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  body?: unknown;
  /** The text of the answer (--json prints the answer itself); undefined if it has another shape. */
  read: Reader;
}

const want = (args: string[], n: number, usage: string): string[] => {
  if (args.length !== n) throw new Usage(`usage: sealpeer-server admin ${usage}`);
  return args;
};

function limitValue(key: string, raw: string): number {
  if (/^\d+$/.test(raw)) return Number(raw);
  const ms = key.endsWith('Ms') ? parseDuration(raw) : undefined;
  if (ms === undefined)
    throw new Usage(
      `limits set: ${key} wants a whole number${key.endsWith('Ms') ? ' or a duration' : ''}, got '${raw}'`,
    );
  return ms;
}

function command(p: Parsed): Call {
  const [cmd, ...rest] = p.args;
  switch (cmd) {
    case 'clients':
      want(rest, 0, 'clients');
      return { method: 'GET', path: '/admin/clients', read: readClients };
    case 'kick': {
      const [clientId] = want(rest, 1, 'kick CLIENT_ID');
      return {
        method: 'POST',
        path: '/admin/kick',
        body: { clientId },
        read: readKick(clientId!),
      };
    }
    case 'ban': {
      const [kind, target] = want(rest, 2, 'ban ip|credential TARGET --for DURATION [--reason TEXT]');
      if (kind !== 'ip' && kind !== 'credential')
        throw new Usage(`ban: the kind is ip or credential, got '${kind}'`);
      if (p.forDuration === undefined) throw new Usage('ban: say how long with --for, e.g. --for 1h');
      const body = {
        kind,
        target,
        duration: p.forDuration,
        ...(p.reason === undefined ? {} : { reason: p.reason }),
      };
      return {
        method: 'POST',
        path: '/admin/bans',
        body,
        read: readBan,
      };
    }
    case 'bans':
      want(rest, 0, 'bans');
      return {
        method: 'GET',
        path: '/admin/bans',
        read: readBans,
      };
    case 'unban': {
      const [kind, target] = want(rest, 2, 'unban ip|credential TARGET');
      if (kind !== 'ip' && kind !== 'credential')
        throw new Usage(`unban: the kind is ip or credential, got '${kind}'`);
      return {
        method: 'POST',
        path: '/admin/bans/lift',
        body: { kind, target },
        read: readLift(kind, target!),
      };
    }
    case 'purge-channel': {
      const [channelId] = want(rest, 1, 'purge-channel CHANNEL_ID');
      return {
        method: 'POST',
        path: `/admin/channels/${encodeURIComponent(channelId!)}/purge`,
        read: readPurge(channelId!),
      };
    }
    case 'limits': {
      if (rest.length === 0) return { method: 'GET', path: '/admin/limits', read: readLimits };
      if (rest[0] !== 'set' || rest.length < 2)
        throw new Usage('usage: sealpeer-server admin limits [set KEY=VALUE...]');
      const body: Record<string, number> = {};
      for (const kv of rest.slice(1)) {
        const m = /^([A-Za-z]+)=(.+)$/.exec(kv);
        if (!m) throw new Usage(`limits set: wants KEY=VALUE, got '${kv}'`);
        body[m[1]!] = limitValue(m[1]!, m[2]!);
      }
      return { method: 'PATCH', path: '/admin/limits', body, read: readLimits };
    }
    case undefined:
      throw new Usage('a command is missing (see sealpeer-server admin --help)');
    default:
      throw new Usage(`unknown command '${cmd}' (see sealpeer-server admin --help)`);
  }
}

export async function adminMain(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  let p: Parsed;
  let call: Call;
  try {
    p = parse(argv, env);
    if (p.help) {
      out(adminHelp());
      return 0;
    }
    call = command(p);
  } catch (e) {
    if (!(e instanceof Usage)) throw e;
    err(`sealpeer-server admin: ${e.message}\n`);
    return 2;
  }
  let res: Response;
  try {
    res = await fetch(p.url + call.path, {
      method: call.method,
      headers: call.body === undefined ? {} : { 'content-type': 'application/json' },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (e as Error).message;
    err(
      `sealpeer-server admin: cannot reach the admin listener at ${p.url} (${why}). Is sealpeer-server ` +
        `running on this host with --admin-port? Point --admin-url or ${ADMIN_URL_ENV} at it.\n`,
    );
    return 1;
  }
  const text = await res.text();
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = undefined;
  }
  const printed = res.ok ? call.read(answer) : readError(answer);
  if (printed === undefined) {
    err(
      `sealpeer-server admin: ${p.url} answered ${res.status} with something other than a sealpeer admin ` +
        'answer: is --admin-url the admin listener (--admin-port), not the public port or another service?\n',
    );
    return 1;
  }
  if (p.json) out(`${JSON.stringify(answer)}\n`);
  if (!res.ok) {
    const hint =
      res.status === 404 && printed.startsWith('not_found:')
        ? ' (is --admin-url the admin listener, --admin-port, and not the public port?)'
        : '';
    err(`sealpeer-server admin: ${printed}${hint}\n`);
    return 1;
  }
  if (!p.json) out(`${printed}\n`);
  return 0;
}
