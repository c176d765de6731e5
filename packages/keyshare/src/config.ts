// Command-line flags and SEALPEER_KEYSHARE_* environment variables for `sealpeer-keyshare serve`.
// Flags win over env vars, env vars over defaults.
import { parseArgs } from 'node:util';
import { DEFAULTS, type KeyshareOptions } from './index.ts';
import { parseWitnessTarget } from './witness/pusher.ts';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const SERVE_HELP = `Usage: sealpeer-keyshare [serve] [options]

Runs the keyshare: a key directory with an RFC 6962 transparency log. Run it on another host and by
another operator than the relay server. On first start it creates the log key in --data-dir and
prints the verifier key that clients pin.

Options (env var in brackets):
  --host HOST              bind address (SEALPEER_KEYSHARE_HOST) [${DEFAULTS.host}]
  --port N                 port, 0 = any free port (SEALPEER_KEYSHARE_PORT) [${DEFAULTS.port}]
  --data-dir DIR           log database and log key (SEALPEER_KEYSHARE_DATA_DIR) [./data/keyshare]
  --origin-name NAME       log origin / key name for a new log, e.g. keys.example.org/log
                           (SEALPEER_KEYSHARE_ORIGIN_NAME) [localhost/sealpeer-keyshare]
  --allowed-origins LIST   comma-separated browser origins allowed by CORS
                           (SEALPEER_KEYSHARE_ALLOWED_ORIGINS) [${DEFAULTS.allowedOrigins.join(',')}]
  --body-limit BYTES       request body limit (SEALPEER_KEYSHARE_BODY_LIMIT) [${DEFAULTS.bodyLimit}]
  --read-rate-limit N      GET requests per minute per IP, 0 = off
                           (SEALPEER_KEYSHARE_READ_RATE_LIMIT) [${DEFAULTS.readPerMinute}]
  --write-rate-limit N     POST requests per minute per IP, 0 = off
                           (SEALPEER_KEYSHARE_WRITE_RATE_LIMIT) [${DEFAULTS.writePerMinute}]
  --max-clock-skew SEC     accepted distance of a record's createdAt from now
                           (SEALPEER_KEYSHARE_MAX_CLOCK_SKEW) [${DEFAULTS.maxClockSkewMs / 1000}]
  --header-timeout SEC     time to send HTTP request headers, then 408 and closed
                           (SEALPEER_KEYSHARE_HEADER_TIMEOUT) [${DEFAULTS.headerTimeoutMs / 1000}]
  --max-connections-per-ip N  TCP connections per IP, 0 = no cap; off with --trust-proxy
                           (SEALPEER_KEYSHARE_MAX_CONNECTIONS_PER_IP) [${DEFAULTS.maxConnectionsPerIp}]
  --trust-proxy            take the client IP from X-Forwarded-For (behind a reverse proxy)
                           (SEALPEER_KEYSHARE_TRUST_PROXY=1)
  --metrics-port N         serve Prometheus /metrics on 127.0.0.1:N, 0 = free port
                           (SEALPEER_KEYSHARE_METRICS_PORT) [off]
  --tls-cert FILE          PEM certificate (chain): serve HTTPS directly, with --tls-key
                           (SEALPEER_KEYSHARE_TLS_CERT) [off]
  --tls-key FILE           PEM private key for --tls-cert (SEALPEER_KEYSHARE_TLS_KEY)
  --log-level LEVEL        fatal|error|warn|info|debug|trace|silent (SEALPEER_KEYSHARE_LOG_LEVEL) [info]
  --witness URL,KEY        a C2SP tlog-witness to push each checkpoint to, and its cosigner key
                           (repeatable; SEALPEER_KEYSHARE_WITNESSES, entries separated by spaces)
  --witness-timeout SEC    how long a publish waits for the witnesses' cosignatures
                           (SEALPEER_KEYSHARE_WITNESS_TIMEOUT) [${DEFAULTS.witnessTimeoutMs / 1000}]
  -h, --help               show this help

Other commands:
  sealpeer-keyshare key --data-dir DIR
  sealpeer-keyshare monitor --url URL --key VERIFIER [--watch HANDLE]...
  sealpeer-keyshare witness --log LOG_VERIFIER_KEY [--name NAME] [--data-dir DIR]
  sealpeer-keyshare backup FILE [--data-dir DIR]   (online, while this runs)
`;

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  'origin-name': { type: 'string' },
  'allowed-origins': { type: 'string' },
  'body-limit': { type: 'string' },
  'read-rate-limit': { type: 'string' },
  'write-rate-limit': { type: 'string' },
  'max-clock-skew': { type: 'string' },
  'header-timeout': { type: 'string' },
  'max-connections-per-ip': { type: 'string' },
  'trust-proxy': { type: 'boolean' },
  'metrics-port': { type: 'string' },
  'log-level': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  witness: { type: 'string', multiple: true },
  'witness-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function envName(flag: string): string {
  return `SEALPEER_KEYSHARE_${flag.toUpperCase().replace(/-/g, '_')}`;
}

function int(name: string, value: string, min: number, max: number): number {
  if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function parseServeArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { help: true } | { help: false; options: KeyshareOptions } {
  let parsed: ReturnType<
    typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: false; strict: true }>
  >;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) return { help: true };
  const get = (flag: Exclude<keyof typeof OPTIONS, 'witness'>): string | undefined => {
    const fromFlag = v[flag];
    if (typeof fromFlag === 'string') return fromFlag;
    const e = env[envName(flag)];
    return e === undefined || e === '' ? undefined : e;
  };
  const num = (
    flag: Exclude<keyof typeof OPTIONS, 'witness'>,
    min: number,
    max: number,
  ): number | undefined => {
    const s = get(flag);
    return s === undefined ? undefined : int(flag, s, min, max);
  };
  const logLevel = get('log-level') ?? DEFAULTS.logLevel;
  if (!LEVELS.includes(logLevel)) throw new UsageError(`--log-level must be one of ${LEVELS.join(', ')}`);
  const origins = get('allowed-origins');
  const skew = num('max-clock-skew', 1, 86_400);
  const trustEnv = env[envName('trust-proxy')];
  const witnesses = v.witness ?? (env.SEALPEER_KEYSHARE_WITNESSES ?? '').split(/\s+/).filter(Boolean);
  for (const w of witnesses) {
    try {
      parseWitnessTarget(w);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  const witnessTimeout = num('witness-timeout', 1, 600);
  const headerTimeout = num('header-timeout', 1, 3600);
  const tlsCert = get('tls-cert');
  const tlsKey = get('tls-key');
  if ((tlsCert === undefined) !== (tlsKey === undefined))
    throw new UsageError('--tls-cert and --tls-key go together: give both or neither');
  return {
    help: false,
    options: {
      dataDir: get('data-dir') ?? 'data/keyshare',
      host: get('host') ?? DEFAULTS.host,
      port: num('port', 0, 65_535) ?? DEFAULTS.port,
      originName: get('origin-name'),
      allowedOrigins:
        origins === undefined
          ? DEFAULTS.allowedOrigins
          : origins
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
      bodyLimit: num('body-limit', 1024, 1024 * 1024) ?? DEFAULTS.bodyLimit,
      rateLimits: {
        readPerMinute: num('read-rate-limit', 0, 10_000_000),
        writePerMinute: num('write-rate-limit', 0, 10_000_000),
      },
      maxClockSkewMs: skew === undefined ? undefined : skew * 1000,
      trustProxy: v['trust-proxy'] === true || trustEnv === '1' || trustEnv === 'true',
      metricsPort: num('metrics-port', 0, 65_535) ?? null,
      logLevel,
      witnesses,
      witnessTimeoutMs: witnessTimeout === undefined ? undefined : witnessTimeout * 1000,
      headerTimeoutMs: headerTimeout === undefined ? undefined : headerTimeout * 1000,
      maxConnectionsPerIp: num('max-connections-per-ip', 0, 1_000_000),
      tlsCert,
      tlsKey,
    },
  };
}
