// `sealpeer-server`: flags + SEALPEER_* env vars (see --help), JSON logs on stdout, graceful SIGTERM/SIGINT:
// sockets close with 1001, storage is flushed, exit 0. Exit 2 on bad usage, 1 if the server cannot start.
// `sealpeer-server admin …` drives the operator controls of a running server (src/admin-cli.ts).
// `sealpeer-server migrate` applies the store's schema migrations and exits (src/migrate-cli.ts).
// With --workers N this process is the primary of N workers that each run the server (src/workers.ts).
import cluster from 'node:cluster';
import pino from 'pino';
import { adminMain } from './admin-cli.ts';
import { helpText, parseArgs, UsageError } from './args.ts';
import { migrateMain } from './migrate-cli.ts';
import { storeConnectHint } from './store/spec.ts';
import { runPrimary, WORKER_INDEX_ENV, workerAdminPort } from './workers.ts';

/** `sealpeer-server <name> …`: commands that do not start a server. */
const SUBCOMMANDS: Record<string, typeof migrateMain | undefined> = {
  admin: adminMain,
  migrate: migrateMain,
};

async function main(argv: string[]): Promise<number> {
  const sub = argv[0] === undefined ? undefined : SUBCOMMANDS[argv[0]];
  if (sub)
    return sub(
      argv.slice(1),
      process.env,
      (s) => process.stdout.write(s),
      (s) => process.stderr.write(s),
    );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv, process.env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`sealpeer-server: ${e.message}\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(helpText());
    return 0;
  }
  const config = parsed.config;
  if (config.workers > 1 && cluster.isPrimary)
    return runPrimary(
      config.workers,
      pino({ level: config.logLevel, timestamp: pino.stdTimeFunctions.isoTime, base: { pid: process.pid } }),
    );
  if (cluster.isWorker)
    config.adminPort = workerAdminPort(config.adminPort, Number(process.env[WORKER_INDEX_ENV] ?? 0));
  // Loaded here, not at the top: `admin` and `migrate` need none of the server.
  const { startServer } = await import('./index.ts');
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const hint =
      err.code === 'EADDRINUSE'
        ? ' (the port is taken: pick another with --port / --admin-port, or 0 for any free port)'
        : storeConnectHint(err);
    process.stderr.write(`sealpeer-server: cannot start: ${err.message}${hint}\n`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      server.log.info({ event: 'shutdown', signal }, 'shutting down');
      void server.close().then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`sealpeer-server: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
