// SQLite storage of the log (better-sqlite3, WAL). One file, data-dir/keyshare.sqlite:
//   leaves   every accepted record, in log order (idx = leaf index); leaf = canonical leaf bytes
//   meta     origin and the latest signed checkpoint
// Each handle's latest leaf is the verifiable map's, rebuilt from `leaves` at start (log-store.ts).
// (Data dirs from before the map also hold a `handles` table; nothing reads it.)
import Database from 'better-sqlite3';

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS leaves (
  idx INTEGER PRIMARY KEY,
  handle TEXT NOT NULL,
  leaf BLOB NOT NULL,
  leaf_hash BLOB NOT NULL,
  record_json TEXT NOT NULL,
  logged_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
`;

/** Opens (creating) a database file with `schema`; one process per file (exclusive lock). */
export function openDb(path: string, schema: string = SCHEMA): Db {
  const db = new Database(path, { timeout: 1000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Lookups are random reads over the whole log: a larger page cache and memory-mapped reads keep a
  // million-leaf log's lookups off the read() syscall path.
  db.pragma('cache_size = -65536');
  db.pragma('mmap_size = 1073741824');
  // One writer process per data dir: a second keyshare on the same files would fork the log.
  db.pragma('locking_mode = EXCLUSIVE');
  try {
    db.exec(schema);
    db.exec('BEGIN IMMEDIATE; COMMIT;'); // take the exclusive lock now, not at the first write
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
      throw new Error(`${path} is locked: another keyshare or witness is using this data dir`);
    }
    throw err;
  }
  return db;
}
