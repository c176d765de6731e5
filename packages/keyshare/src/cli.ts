// `sealpeer-keyshare`: serve (default) | key | monitor | witness | backup. Exit codes: 0 ok, 1 error,
// 2 bad usage, 3 the monitored log misbehaved.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { BackupError, offlineBackup, requestBackup } from './backup.ts';
import { parseServeArgs, SERVE_HELP, UsageError } from './config.ts';
import { readVerifierKey, startKeyshare } from './index.ts';
import { LogMonitor, MonitorAlert } from './monitor/monitor.ts';
import { parseWitnessArgs, WITNESS_HELP } from './witness/config.ts';
import { startWitness } from './witness/server.ts';

const KEY_HELP = `Usage: sealpeer-keyshare key --data-dir DIR

Prints the log's verifier key (C2SP signed-note format) that clients pin.
  --data-dir DIR   data dir of the keyshare (SEALPEER_KEYSHARE_DATA_DIR) [./data/keyshare]
`;

const MONITOR_HELP = `Usage: sealpeer-keyshare monitor --url URL --key VERIFIER [--watch HANDLE]... [options]

Follows a keyshare log: verifies every checkpoint signature and consistency step, rebuilds the tree
and the verifiable map from the leaves (both roots must match each checkpoint's), audits every record
against the handle rules (alerts name the break: takeover, resurrected, skipped_rotation), and prints
JSON lines:
{"event":"checkpoint"|"consistent"|"record"|"alert", ...}. Exits 3 on the first alert.
  --url URL          keyshare base URL (SEALPEER_KEYSHARE_URL)
  --key VERIFIER     pinned verifier key of the log (SEALPEER_KEYSHARE_KEY)
  --watch HANDLE     report records of this handle (repeatable)
  --interval SEC     poll interval [30]
  --once             check once and exit: 0 checked, 1 the log could not be checked (unreachable,
                     refused), 3 an alert
`;

const BACKUP_HELP = `Usage: sealpeer-keyshare backup FILE [--data-dir DIR]

Writes a consistent copy of the log database (keyshare.sqlite) to FILE, a new file. While the keyshare
runs it makes the copy itself (SQLite online backup, asked over DIR/admin.sock; writes go on); when it
is stopped the copy is made directly. The log key (DIR/log-key) is not in it: back that up once, apart.
Restore: stop the keyshare, copy FILE to DIR/keyshare.sqlite of a data dir holding the same log-key
(no keyshare.sqlite-wal beside it), start. Prints {"event":"backup","path","bytes","checkpoint"}.
  --data-dir DIR   data dir of the keyshare (SEALPEER_KEYSHARE_DATA_DIR) [./data/keyshare]
`;

async function backup(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(BACKUP_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('backup needs exactly one FILE (see --help)');
  const dir = values['data-dir'] ?? process.env.SEALPEER_KEYSHARE_DATA_DIR ?? 'data/keyshare';
  const file = resolve(positionals[0]!);
  let result: Awaited<ReturnType<typeof requestBackup>>;
  try {
    result = await requestBackup(resolve(dir), file);
  } catch (err) {
    if (!(err instanceof BackupError && err.code === 'not_running')) throw err;
    result = await offlineBackup(resolve(dir), file); // stopped: copy it directly (takes its lock)
  }
  process.stdout.write(`${JSON.stringify({ event: 'backup', ...result })}\n`);
  return 0;
}

/** Runs until SIGTERM/SIGINT, then closes cleanly. */
async function untilSignal(close: () => Promise<void>): Promise<number> {
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      close().then(resolve, resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return 0;
}

async function serve(argv: string[]): Promise<number> {
  const parsed = parseServeArgs(argv, process.env);
  if (parsed.help) {
    process.stdout.write(SERVE_HELP);
    return 0;
  }
  const ks = await startKeyshare(parsed.options);
  // Plain words on stderr: stdout stays pino JSON lines (| jq, | npx pino-pretty).
  process.stderr.write(`sealpeer-keyshare listening on ${ks.url}\nverifier key: ${ks.verifierKey}\n`);
  return untilSignal(() => ks.close());
}

async function witness(argv: string[]): Promise<number> {
  const parsed = parseWitnessArgs(argv, process.env);
  if (parsed.help) {
    process.stdout.write(WITNESS_HELP);
    return 0;
  }
  const w = await startWitness(parsed.options);
  process.stderr.write(`sealpeer-keyshare witness listening on ${w.url}\ncosigner key: ${w.cosignerKey}\n`);
  return untilSignal(() => w.close());
}

function key(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(KEY_HELP);
    return 0;
  }
  const dir = values['data-dir'] ?? process.env.SEALPEER_KEYSHARE_DATA_DIR ?? 'data/keyshare';
  process.stdout.write(`${readVerifierKey(dir)}\n`);
  return 0;
}

async function monitor(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      key: { type: 'string' },
      watch: { type: 'string', multiple: true },
      interval: { type: 'string' },
      once: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(MONITOR_HELP);
    return 0;
  }
  const url = values.url ?? process.env.SEALPEER_KEYSHARE_URL;
  const verifierKey = values.key ?? process.env.SEALPEER_KEYSHARE_KEY;
  if (!url || !verifierKey) throw new UsageError('monitor needs --url and --key (see --help)');
  const interval = values.interval === undefined ? 30 : Number(values.interval);
  if (!Number.isFinite(interval) || interval <= 0)
    throw new UsageError('--interval must be a positive number');
  const log = pino({
    timestamp: pino.stdTimeFunctions.isoTime,
    base: { svc: 'keyshare-monitor', pid: process.pid },
  });
  const m = new LogMonitor({
    url,
    verifierKey,
    watch: values.watch ?? [],
    emit: (e) => process.stdout.write(`${JSON.stringify(e)}\n`),
  });
  let stopped = false;
  let wake: () => void = () => undefined;
  const onSignal = (): void => {
    stopped = true;
    wake();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  while (!stopped) {
    try {
      await m.step();
    } catch (err) {
      if (err instanceof MonitorAlert) return 3;
      if (values.once) {
        // One check was asked for and it could not be made (log unreachable, bad answer): not a pass.
        process.stderr.write(
          `sealpeer-keyshare: monitor could not check the log: ${(err as Error).message}\n`,
        );
        return 1;
      }
      log.warn({ err: (err as Error).message }, 'monitor step failed; retrying');
    }
    if (values.once) return 0;
    await new Promise<void>((r) => {
      const t = setTimeout(r, interval * 1000);
      wake = () => {
        clearTimeout(t);
        r();
      };
    });
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'key') return key(rest);
    if (cmd === 'monitor') return await monitor(rest);
    if (cmd === 'witness') return await witness(rest);
    if (cmd === 'backup') return await backup(rest);
    if (cmd === 'serve') return await serve(rest);
    return await serve(argv);
  } catch (err) {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(
      `sealpeer-keyshare: ${(err as Error).message}\n${usage ? 'Run with --help for usage.\n' : ''}`,
    );
    return usage ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
