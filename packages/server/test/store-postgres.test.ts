// The Store contract (store-contract.ts) on the PostgreSQL store: a private PostgreSQL started for this
// file (test-support/postgres.ts), a fresh database per test. Then what only PostgreSQL has: the
// migrations table, its advisory lock, the refusal of a newer schema; and the helper's install hint.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  POSTGRES_INSTALL_HINT,
  type PostgresInstance,
  postgresBinDir,
  startPostgres,
} from '../../../test-support/postgres.ts';
import { LATEST_VERSION, MIGRATIONS } from '../src/store/migrations.ts';
import { migratePostgres, openPostgresStore } from '../src/store/postgres.ts';
import { describeStoreContract } from './store-contract.ts';

let pgi: PostgresInstance | undefined;
const instance = (): PostgresInstance => {
  if (!pgi) throw new Error('PostgreSQL did not start');
  return pgi;
};

// Stopped at the end of the file, whichever of its tests ran (also under -t).
afterAll(async () => {
  await pgi?.stop();
});

describeStoreContract('PostgreSQL', {
  async setup() {
    pgi ??= await startPostgres();
  },
  async fresh() {
    const url = await instance().createDatabase();
    return { store: await openPostgresStore(url), open: () => openPostgresStore(url) };
  },
});

describe('PostgreSQL migrations', () => {
  beforeAll(async () => {
    pgi ??= await startPostgres();
  });

  async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query<T>(sql)).rows;
    } finally {
      await c.end();
    }
  }

  it('records every version once, even when several nodes start at the same time', async () => {
    const url = await instance().createDatabase();
    const stores = await Promise.all([1, 2, 3, 4].map(() => openPostgresStore(url)));
    for (const s of stores) await s.close();
    const rows = await query<{ version: number; name: string }>(
      url,
      'SELECT version, name FROM sealpeer_migrations ORDER BY version',
    );
    expect(rows).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
    expect(await migratePostgres(url)).toEqual({ from: LATEST_VERSION, to: LATEST_VERSION, applied: [] });
  });

  it('applies only the missing steps to an older database', async () => {
    const url = await instance().createDatabase();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(
      'CREATE TABLE sealpeer_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    await c.query(MIGRATIONS[0]!.postgres);
    await c.query('INSERT INTO sealpeer_migrations (version, name) VALUES (1, $1)', [MIGRATIONS[0]!.name]);
    await c.end();
    const report = await migratePostgres(url);
    expect(report.from).toBe(1);
    expect(report.to).toBe(LATEST_VERSION);
    expect(report.applied.map((m) => m.version)).toEqual(MIGRATIONS.slice(1).map((m) => m.version));
  });

  it('refuses a database from a newer sealpeer, naming the versions and not the password', async () => {
    const url = await instance().createDatabase();
    await migratePostgres(url);
    await query(url, 'INSERT INTO sealpeer_migrations (version, name) VALUES (99, $$from the future$$)');
    const withPassword = url.replace('sealpeer@', 'sealpeer:hunter2@');
    const err = await openPostgresStore(withPassword).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toMatchObject({ name: 'StoreError', code: 'newer_schema' });
    expect(err?.message).toMatch(/newer sealpeer \(schema 99, this one knows \d+\)/);
    expect(err?.message).not.toContain('hunter2');
  });
});

describe('the PostgreSQL test helper', () => {
  it('fails with the install line when the server binaries are missing', () => {
    vi.stubEnv('SEALPEER_PG_BIN', '/nonexistent/postgresql/bin');
    try {
      expect(() => postgresBinDir()).toThrow(POSTGRES_INSTALL_HINT);
      expect(POSTGRES_INSTALL_HINT).toContain('apt-get install -y postgresql');
    } finally {
      vi.unstubAllEnvs();
    }
    expect(postgresBinDir()).toMatch(/\/bin$/);
  });
});
