// Turns argv + environment into a ServerConfig using the OPTIONS table of src/config.ts.
// Precedence: flag > SEALPEER_* env var > default.
import { defaultConfig, OPTIONS, type OptionSpec, type ServerConfig } from './config.ts';

export class UsageError extends Error {}

export type ParsedArgs = { help: true } | { help: false; config: ServerConfig };

export function parseArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  options: readonly OptionSpec[] = OPTIONS,
): ParsedArgs {
  const byFlag = new Map(options.map((o) => [o.flag, o]));
  const given = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') return { help: true };
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const spec = byFlag.get(flag);
    if (!spec) throw new UsageError(`unknown option '${a}' (see --help)`);
    let value: string | undefined;
    if (eq > 0 && a.startsWith('--')) value = a.slice(eq + 1);
    else value = argv[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value (${spec.arg})`);
    const prev = given.get(flag) ?? [];
    given.set(flag, spec.repeatable ? [...prev, value] : [value]);
  }
  const config = defaultConfig();
  for (const spec of options) {
    const values = given.get(spec.flag);
    const raw = values ? values.join(',') : env[spec.env];
    if (raw === undefined) continue;
    try {
      spec.set(config, raw);
    } catch (e) {
      const from = values ? spec.flag : spec.env;
      throw new UsageError(`${from}: ${(e as Error).message}`);
    }
  }
  if (config.workers > 1 && config.bus === 'local')
    throw new UsageError(
      '--workers needs the bus the workers meet on and a store they share: add --bus redis://host:6379 ' +
        'and --store postgres://user:password@host/sealpeer (or run one process with --workers 1)',
    );
  if (config.bus !== 'local' && config.store === 'sqlite')
    throw new UsageError(
      '--bus needs a store every node shares: add --store postgres://user:password@host/sealpeer ' +
        '(a SQLite file belongs to one node)',
    );
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined))
    throw new UsageError('--tls-cert and --tls-key go together: give both or neither');
  if (config.channelCreation === 'token' && config.channelTokenFile === undefined)
    throw new UsageError(
      '--channel-creation token needs --channel-token-file FILE holding the operator token ' +
        '(e.g. head -c 32 /dev/urandom | base64 > FILE; chmod 600 FILE)',
    );
  return { help: false, config };
}

/** One --help line per option. */
export function optionRows(options: readonly OptionSpec[]): string[] {
  return options.map((o) => {
    const left = `  ${o.flag} ${o.arg}`;
    return `${left.padEnd(36)} ${o.help} (default: ${o.shown}; env ${o.env})`;
  });
}

export function helpText(): string {
  const rows = optionRows(OPTIONS);
  return [
    'Usage: sealpeer-server [options]',
    '       sealpeer-server migrate [--store URL | --data-dir DIR]   (see migrate --help)',
    '       sealpeer-server admin COMMAND   (operator controls of a running server; see admin --help)',
    '',
    'The sealpeer credential + relay server: HTTP API, WebSocket relay at /ws, state in SQLite',
    '(default) or PostgreSQL (--store postgres://…, migrated at start). Several nodes behind a load',
    'balancer share one PostgreSQL store and one Redis bus (--bus redis://…; docs/operators/scale-out.md).',
    'Every option can also be set with the environment variable named beside it.',
    'Durations: 500ms, 10s, 10m, 1h, 14d (a bare number is seconds).',
    '',
    'Options:',
    ...rows,
    `  ${'--help'.padEnd(34)} show this help`,
    '',
  ].join('\n');
}
