// Server configuration: one typed object, its defaults, and the table of CLI flags / SEALPEER_* env vars
// that fill it (src/cli.ts). Durations are kept in milliseconds.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBusSpec } from './bus/spec.ts';
import { type Cidr, parseCidr } from './net/cidr.ts';
import { type IceServer, parseDuration, parseIceServers, parseTrustProxy, type TrustProxy } from './parse.ts';
import { parseStoreSpec } from './store/spec.ts';
import { parseWorkers } from './workers.ts';

export type { IceServer, TrustProxy };

export interface Limits {
  /** Credentials (clients) per channel. */
  maxClientsPerChannel: number;
  /** Credential creations per IP per minute (HTTP POST .../sessions). */
  credentialsPerMinute: number;
  /** Channel creations per IP per minute (HTTP POST /api/channels). */
  channelsPerMinute: number;
  /** Per-connection frame rate (token bucket refill per second) and burst size. */
  messageRate: number;
  messageBurst: number;
  /** Concurrent WebSocket connections per IP. */
  maxConnectionsPerIp: number;
  /** Failed logins from one IP within lockoutWindowMs that trigger a lockout of lockoutMs. */
  lockoutFailures: number;
  lockoutWindowMs: number;
  lockoutMs: number;
  /** Time a new socket has to send its login frame. */
  loginTimeoutMs: number;
  /** Server ping interval; a socket that has not answered the previous ping is dropped. */
  pingIntervalMs: number;
  /** Invalid frames a connection may send before it is closed with 1008. */
  maxInvalidFrames: number;
  /** Rendezvous tags one connection may listen on (docs/protocol.md 1.8). */
  maxRendezvousTags: number;
  /** Bytes queued for one socket before it is closed with 1013 (bounded send queue). */
  maxBufferedBytes: number;
  /** Largest frame accepted (larger -> close 1009) and largest `data` string (UTF-8 bytes). */
  maxFrameBytes: number;
  maxDataBytes: number;
  /** Time an HTTP client has to send complete request headers (slowloris: 408, then closed). */
  headerTimeoutMs: number;
  /** Concurrent TCP connections per peer address, WebSockets included (0 = no cap). */
  maxHttpConnectionsPerIp: number;
}

export interface ServerConfig {
  host: string;
  port: number;
  /** Admin listener port (always bound to 127.0.0.1); 0 = any free port, -1 = no admin listener. */
  adminPort: number;
  /** `sqlite` (in dataDir) or a postgres:// URL (src/store/open.ts). */
  store: string;
  /** `local` (one node) or a redis:// URL shared by every node (src/bus/open.ts). */
  bus: string;
  /** Bus heartbeat: a node silent for 2-3 of them is taken for dead by the others. */
  busHeartbeatMs: number;
  /** Worker processes sharing the port (src/workers.ts); 1 = this process serves. */
  workers: number;
  dataDir: string;
  publicUrl: string | undefined;
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  trustProxy: TrustProxy;
  /** Public listener: only these ranges may connect (empty = any), and never these (deny wins). */
  allowCidrs: Cidr[];
  denyCidrs: Cidr[];
  /** `open`: anyone creates channels (rate-limited); `token`: only with the operator's token. */
  channelCreation: 'open' | 'token';
  /** File holding the operator token for --channel-creation token (read at start). */
  channelTokenFile: string | undefined;
  /** Extra allowed Origins ('*' = any); the server's own origins and public-url are always allowed. */
  allowedOrigins: string[];
  credentialTtlMs: number;
  purgeIntervalMs: number;
  logLevel: string;
  appDir: string;
  keyshareUrls: string[];
  iceServers: IceServer[];
  turnSecret: string | undefined;
  turnUrls: string[];
  turnTtlMs: number;
  limits: Limits;
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');

export const DEFAULT_LIMITS: Limits = {
  maxClientsPerChannel: 256,
  credentialsPerMinute: 30,
  channelsPerMinute: 30,
  messageRate: 50,
  messageBurst: 100,
  maxConnectionsPerIp: 20,
  lockoutFailures: 5,
  lockoutWindowMs: 10 * 60_000,
  lockoutMs: 10 * 60_000,
  loginTimeoutMs: 10_000,
  pingIntervalMs: 25_000,
  maxInvalidFrames: 10,
  maxRendezvousTags: 256,
  maxBufferedBytes: 1024 * 1024,
  maxFrameBytes: 64 * 1024,
  maxDataBytes: 48 * 1024,
  headerTimeoutMs: 10_000,
  maxHttpConnectionsPerIp: 64,
};

export function defaultConfig(): ServerConfig {
  return {
    host: '127.0.0.1',
    port: 8080,
    adminPort: 9090,
    store: 'sqlite',
    bus: 'local',
    busHeartbeatMs: 5000,
    workers: 1,
    dataDir: './data',
    publicUrl: undefined,
    tlsCert: undefined,
    tlsKey: undefined,
    trustProxy: false,
    allowCidrs: [],
    denyCidrs: [],
    channelCreation: 'open',
    channelTokenFile: undefined,
    allowedOrigins: [],
    credentialTtlMs: 14 * 86_400_000,
    purgeIntervalMs: 60_000,
    logLevel: 'info',
    appDir: join(repoRoot, 'packages/app/dist'),
    keyshareUrls: ['http://127.0.0.1:8090'],
    iceServers: [],
    turnSecret: undefined,
    turnUrls: [],
    turnTtlMs: 3_600_000,
    limits: { ...DEFAULT_LIMITS },
  };
}

type Setter = (c: ServerConfig, raw: string) => void;

export interface OptionSpec {
  flag: string;
  env: string;
  arg: string;
  help: string;
  /** The default as shown in --help. */
  shown: string;
  set: Setter;
  /** Flags that may be given more than once; their values are joined with ',' into one list. */
  repeatable?: boolean;
}

function int(min: number, max: number): (raw: string, flag: string) => number {
  return (raw, flag) => {
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || n < min || n > max)
      throw new Error(`${flag} wants a whole number from ${min} to ${max}, got '${raw}'`);
    return n;
  };
}
const list = (raw: string): string[] =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
const dur = (raw: string, flag: string, maxMs = Number.MAX_SAFE_INTEGER): number => {
  const ms = parseDuration(raw);
  if (ms === undefined || ms <= 0 || ms > maxMs)
    throw new Error(`${flag} wants a duration like 500ms, 10s, 10m, 1h or 14d, got '${raw}'`);
  return ms;
};
const cidrList = (raw: string, flag: string): Cidr[] =>
  list(raw).map((item) => {
    try {
      return parseCidr(item);
    } catch (e) {
      throw new Error(`${flag} ${(e as Error).message}`);
    }
  });
const port = int(0, 65535);
const count = int(1, 1_000_000_000);

function opt(
  flag: string,
  arg: string,
  shown: string,
  help: string,
  set: (c: ServerConfig, raw: string, flag: string) => void,
  repeatable = false,
): OptionSpec {
  const env = `SEALPEER_${flag.replace(/^--/, '').replace(/-/g, '_').toUpperCase()}`;
  return { flag, env, arg, shown, help, set: (c, raw) => set(c, raw, flag), repeatable };
}

type TextKey = 'host' | 'dataDir' | 'tlsCert' | 'tlsKey' | 'appDir' | 'turnSecret' | 'channelTokenFile';

/** An option whose value is taken as given. */
function text(flag: string, arg: string, shown: string, help: string, key: TextKey): OptionSpec {
  return opt(flag, arg, shown, help, (c, raw) => {
    c[key] = raw;
  });
}

function limit(
  flag: string,
  key: keyof Limits,
  help: string,
  parse: (raw: string, flag: string) => number,
  show: (n: number) => string,
): OptionSpec {
  return opt(flag, parse === count ? 'N' : 'DURATION', show(DEFAULT_LIMITS[key]), help, (c, raw, f) => {
    c.limits[key] = parse(raw, f);
  });
}

const showMs = (ms: number): string =>
  ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
const showN = (n: number): string => String(n);

export const OPTIONS: readonly OptionSpec[] = [
  text('--host', 'ADDR', '127.0.0.1', 'address to listen on (0.0.0.0 for all)', 'host'),
  opt('--port', 'N', '8080', 'HTTP/WebSocket port; 0 = any free port', (c, r, f) => {
    c.port = port(r, f);
  }),
  opt(
    '--store',
    'sqlite|URL',
    'sqlite',
    'state store: embedded SQLite in --data-dir, or postgres://user:pass@host/db shared by nodes',
    (c, r) => {
      c.store = parseStoreSpec(r);
    },
  ),
  text('--data-dir', 'DIR', './data', 'where the SQLite database lives', 'dataDir'),
  opt(
    '--bus',
    'local|URL',
    'local',
    'node bus: local (one node), or redis://host:6379 shared by nodes (needs a postgres --store)',
    (c, r) => {
      c.bus = parseBusSpec(r);
    },
  ),
  opt(
    '--workers',
    'N|auto',
    '1',
    'processes sharing the port, one per core with auto (needs --bus and a postgres --store)',
    (c, r) => {
      c.workers = parseWorkers(r);
    },
  ),
  opt('--bus-heartbeat', 'DURATION', '5s', 'bus heartbeat; a node silent ~3 beats is dropped', (c, r, f) => {
    c.busHeartbeatMs = dur(r, f, 600_000);
  }),
  opt(
    '--admin-port',
    'N',
    '9090',
    'admin listener (/metrics) on 127.0.0.1; 0 = free port, -1 = off',
    (c, r, f) => {
      c.adminPort = int(-1, 65535)(r, f);
    },
  ),
  opt(
    '--public-url',
    'URL',
    '(none)',
    'URL users reach this server at (e.g. https://relay.example)',
    (c, r) => {
      c.publicUrl = new URL(r).origin;
    },
  ),
  text(
    '--tls-cert',
    'FILE',
    '(none)',
    'PEM certificate: serve https/wss directly (with --tls-key)',
    'tlsCert',
  ),
  text('--tls-key', 'FILE', '(none)', 'PEM private key for --tls-cert', 'tlsKey'),
  opt(
    '--trust-proxy',
    'VALUE',
    'false',
    'take the client IP from X-Forwarded-For: true, a hop count, or proxy addresses/CIDRs',
    (c, r) => {
      c.trustProxy = parseTrustProxy(r);
    },
  ),
  opt(
    '--allow-cidr',
    'LIST',
    '(any)',
    'only these IPv4/IPv6 addresses or CIDRs may connect (comma list, repeatable)',
    (c, r, f) => {
      c.allowCidrs = cidrList(r, f);
    },
    true,
  ),
  opt(
    '--deny-cidr',
    'LIST',
    '(none)',
    'these addresses or CIDRs may not connect; wins over --allow-cidr (comma list, repeatable)',
    (c, r, f) => {
      c.denyCidrs = cidrList(r, f);
    },
    true,
  ),
  opt(
    '--channel-creation',
    'open|token',
    'open',
    'who creates channels: anyone, or only holders of --channel-token-file (Authorization: Bearer)',
    (c, r, f) => {
      if (r !== 'open' && r !== 'token') throw new Error(`${f} wants open or token, got '${r}'`);
      c.channelCreation = r;
    },
  ),
  text(
    '--channel-token-file',
    'FILE',
    '(none)',
    'file holding the operator token for --channel-creation token (16+ characters)',
    'channelTokenFile',
  ),
  opt(
    '--allowed-origins',
    'LIST',
    'own origins',
    'extra browser Origins allowed (comma list, repeatable; * = any)',
    (c, r) => {
      c.allowedOrigins = list(r).map((o) => (o === '*' ? o : new URL(o).origin));
    },
    true,
  ),
  opt('--credential-ttl', 'DURATION', '14d', 'lifetime of a credential', (c, r, f) => {
    c.credentialTtlMs = dur(r, f);
  }),
  opt('--purge-interval', 'DURATION', '1m', 'how often expired credentials are purged', (c, r, f) => {
    c.purgeIntervalMs = dur(r, f);
  }),
  opt('--log-level', 'LEVEL', 'info', 'trace, debug, info, warn, error, fatal or silent', (c, r) => {
    if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(r))
      throw new Error(`--log-level wants trace, debug, info, warn, error, fatal or silent, got '${r}'`);
    c.logLevel = r;
  }),
  text('--app-dir', 'DIR', 'packages/app/dist', 'built browser app served at /', 'appDir'),
  opt(
    '--keyshare-url',
    'URL',
    'http://127.0.0.1:8090',
    'keyshare URL(s) for the app (comma list, repeatable)',
    (c, r) => {
      c.keyshareUrls = list(r).map((u) => new URL(u).toString().replace(/\/$/, ''));
    },
    true,
  ),
  opt('--ice-servers', 'JSON', '[]', 'RTCIceServer list for the app, as JSON', (c, r) => {
    c.iceServers = parseIceServers(r);
  }),
  text('--turn-secret', 'SECRET', '(none)', 'coturn static-auth-secret: enables GET /api/turn', 'turnSecret'),
  opt('--turn-urls', 'LIST', '(none)', 'TURN URLs handed out with credentials (comma list)', (c, r) => {
    c.turnUrls = list(r);
  }),
  opt('--turn-ttl', 'DURATION', '1h', 'lifetime of TURN credentials (at most 1h)', (c, r, f) => {
    c.turnTtlMs = dur(r, f, 3_600_000);
  }),
  limit('--max-clients-per-channel', 'maxClientsPerChannel', 'credentials per channel', count, showN),
  limit('--credential-rate', 'credentialsPerMinute', 'credential creations per IP per minute', count, showN),
  limit('--channel-rate', 'channelsPerMinute', 'channel creations per IP per minute', count, showN),
  limit('--message-rate', 'messageRate', 'frames per second per connection', count, showN),
  limit('--message-burst', 'messageBurst', 'frame burst per connection', count, showN),
  limit('--max-connections-per-ip', 'maxConnectionsPerIp', 'open WebSockets per IP', count, showN),
  limit('--lockout-failures', 'lockoutFailures', 'failed logins that lock an IP out', count, showN),
  limit('--lockout-window', 'lockoutWindowMs', 'window in which failures count', dur, showMs),
  limit('--lockout-duration', 'lockoutMs', 'how long a lockout lasts', dur, showMs),
  limit('--login-timeout', 'loginTimeoutMs', 'time to send the login frame', dur, showMs),
  limit('--ping-interval', 'pingIntervalMs', 'server ping interval; silent peers are dropped', dur, showMs),
  limit('--max-invalid-frames', 'maxInvalidFrames', 'invalid frames before close 1008', count, showN),
  limit('--max-rendezvous-tags', 'maxRendezvousTags', 'rendezvous tags per connection', count, showN),
  limit('--max-buffered-bytes', 'maxBufferedBytes', 'send queue per socket before close 1013', count, showN),
  limit('--header-timeout', 'headerTimeoutMs', 'time to send HTTP request headers (then 408)', dur, showMs),
  limit(
    '--max-http-connections-per-ip',
    'maxHttpConnectionsPerIp',
    'TCP connections per IP, WebSockets included',
    count,
    showN,
  ),
];
