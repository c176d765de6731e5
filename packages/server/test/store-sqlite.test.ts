// The Store contract (store-contract.ts) on the embedded SQLite store: a real file in a temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { describeStoreContract } from './store-contract.ts';

const dirs: string[] = [];

describeStoreContract('SQLite', {
  async fresh() {
    const dir = mkdtempSync(join(tmpdir(), 'sealpeer-store-'));
    dirs.push(dir);
    return { store: openSqliteStore(dir), open: async () => openSqliteStore(dir) };
  },
  async teardown() {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  },
});
