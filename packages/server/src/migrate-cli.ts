// `sealpeer-server migrate`: applies the store's pending schema migrations (src/store/migrations.ts) and
// exits, so an operator can upgrade the schema before rolling new nodes out (the server also migrates
// at start). Exit 0 done (or nothing to do), 1 the store refused or is unreachable, 2 bad usage.
import { optionRows, parseArgs, UsageError } from './args.ts';
import { OPTIONS } from './config.ts';
import { LATEST_VERSION } from './store/migrations.ts';
import { migrateStore } from './store/open.ts';
import { describeStore, storeConnectHint } from './store/spec.ts';

const MIGRATE_OPTIONS = OPTIONS.filter((o) => o.flag === '--store' || o.flag === '--data-dir');

export function migrateHelp(): string {
  return [
    'Usage: sealpeer-server migrate [options]',
    '',
    `Brings the store's schema to version ${LATEST_VERSION} (the one this sealpeer-server needs), then exits.`,
    'Already-applied versions are skipped; a database from a newer sealpeer is refused (exit 1).',
    'PostgreSQL records each version in the sealpeer_migrations table, SQLite in PRAGMA user_version.',
    'Several nodes may migrate at once: PostgreSQL serialises them with an advisory lock.',
    '',
    'Options:',
    ...optionRows(MIGRATE_OPTIONS),
    `  ${'--help'.padEnd(34)} show this help`,
    '',
  ].join('\n');
}

export async function migrateMain(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv, env, MIGRATE_OPTIONS);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`sealpeer-server migrate: ${e.message}\n`);
    return 2;
  }
  if (parsed.help) {
    out(migrateHelp());
    return 0;
  }
  const { store, dataDir } = parsed.config;
  const where = describeStore(store, dataDir);
  try {
    const r = await migrateStore(store, dataDir);
    const steps = r.applied.map((m) => `  ${m.version}: ${m.name}\n`).join('');
    out(
      r.applied.length === 0
        ? `${where}: schema already at version ${r.to}, nothing to do\n`
        : `${where}: schema ${r.from} -> ${r.to}, applied:\n${steps}`,
    );
    return 0;
  } catch (e) {
    err(
      `sealpeer-server migrate: ${where}: ${(e as Error).message}${storeConnectHint(e as { code?: string })}\n`,
    );
    return 1;
  }
}
