// Flags and SEALPEER_WITNESS_* environment variables of `sealpeer-keyshare witness`. Flags win.
import { parseArgs } from 'node:util';
import { UsageError } from '../config.ts';
import type { WitnessOptions } from './server.ts';

export const WITNESS_HELP = `Usage: sealpeer-keyshare witness --log LOG_VERIFIER_KEY [--log ...] [options]

Runs a C2SP tlog-witness for other people's keyshare logs: it cosigns a log's checkpoint only after a
consistency proof from the last checkpoint it cosigned for that log, so it never cosigns a fork.
Logs push to POST /add-checkpoint; monitors read GET /<sha256(origin) hex>/checkpoint. On first start
it creates its cosigner key in --data-dir and prints the key that log operators and clients pin.

Options (env var in brackets):
  --log KEY          verifier key of a log to witness; its name is the log origin (repeatable)
                     (SEALPEER_WITNESS_LOGS, keys separated by spaces or newlines)
  --name NAME        cosigner name for a new key, e.g. witness.example.net/w1
                     (SEALPEER_WITNESS_NAME) [localhost/sealpeer-witness]
  --data-dir DIR     witness key and state (SEALPEER_WITNESS_DATA_DIR) [./data/witness]
  --host HOST        bind address (SEALPEER_WITNESS_HOST) [127.0.0.1]
  --port N           port, 0 = any free port (SEALPEER_WITNESS_PORT) [8091]
  --log-level LEVEL  fatal|error|warn|info|debug|trace|silent (SEALPEER_WITNESS_LOG_LEVEL) [info]
  --rate-limit N     add-checkpoint requests per minute per IP, 0 = off
                     (SEALPEER_WITNESS_RATE_LIMIT) [6000]
  --header-timeout SEC         time to send HTTP request headers, then 408 and closed
                               (SEALPEER_WITNESS_HEADER_TIMEOUT) [10]
  --max-connections-per-ip N   TCP connections per IP, 0 = no cap
                               (SEALPEER_WITNESS_MAX_CONNECTIONS_PER_IP) [64]
  -h, --help         show this help
`;

const OPTIONS = {
  log: { type: 'string', multiple: true },
  name: { type: 'string' },
  'data-dir': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'log-level': { type: 'string' },
  'rate-limit': { type: 'string' },
  'header-timeout': { type: 'string' },
  'max-connections-per-ip': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function parseWitnessArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { help: true } | { help: false; options: WitnessOptions } {
  let v: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];
  try {
    v = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (v.help) return { help: true };
  const get = (
    flag:
      | 'name'
      | 'data-dir'
      | 'host'
      | 'port'
      | 'log-level'
      | 'rate-limit'
      | 'header-timeout'
      | 'max-connections-per-ip',
  ): string | undefined => {
    const e = env[`SEALPEER_WITNESS_${flag.toUpperCase().replace(/-/g, '_')}`];
    return v[flag] ?? (e === '' ? undefined : e);
  };
  const logs = v.log ?? (env.SEALPEER_WITNESS_LOGS ?? '').split(/\s+/).filter(Boolean);
  if (logs.length === 0)
    throw new UsageError('witness needs at least one --log LOG_VERIFIER_KEY (see --help)');
  const portText = get('port');
  if (portText !== undefined && (!/^[0-9]+$/.test(portText) || Number(portText) > 65_535)) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got "${portText}"`);
  }
  const rateText = get('rate-limit');
  if (rateText !== undefined && (!/^[0-9]+$/.test(rateText) || Number(rateText) > 10_000_000)) {
    throw new UsageError(`--rate-limit must be an integer from 0 to 10000000, got "${rateText}"`);
  }
  const whole = (flag: 'header-timeout' | 'max-connections-per-ip', min: number, max: number) => {
    const t = get(flag);
    if (t === undefined) return undefined;
    if (!/^[0-9]+$/.test(t) || Number(t) < min || Number(t) > max)
      throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got "${t}"`);
    return Number(t);
  };
  const headerTimeout = whole('header-timeout', 1, 3600);
  const maxConnectionsPerIp = whole('max-connections-per-ip', 0, 1_000_000);
  const logLevel = get('log-level') ?? 'info';
  if (!LEVELS.includes(logLevel)) throw new UsageError(`--log-level must be one of ${LEVELS.join(', ')}`);
  return {
    help: false,
    options: {
      dataDir: get('data-dir') ?? 'data/witness',
      name: get('name'),
      logs,
      host: get('host') ?? '127.0.0.1',
      port: portText === undefined ? 8091 : Number(portText),
      logLevel,
      ratePerMinute: rateText === undefined ? undefined : Number(rateText),
      headerTimeoutMs: headerTimeout === undefined ? undefined : headerTimeout * 1000,
      maxConnectionsPerIp,
    },
  };
}
