// Opens (or migrates) the store a --store value names (./spec.ts).
import type { MigrationReport } from './migrations.ts';
import { migratePostgres, openPostgresStore, type PostgresOptions } from './postgres.ts';
import { isPostgresUrl } from './spec.ts';
import { migrateSqlite, openSqliteStore } from './sqlite.ts';
import type { Store } from './types.ts';

export async function openStore(spec: string, dataDir: string, opts: PostgresOptions = {}): Promise<Store> {
  return isPostgresUrl(spec) ? openPostgresStore(spec, opts) : openSqliteStore(dataDir);
}

export async function migrateStore(spec: string, dataDir: string): Promise<MigrationReport> {
  return isPostgresUrl(spec) ? migratePostgres(spec) : migrateSqlite(dataDir);
}
