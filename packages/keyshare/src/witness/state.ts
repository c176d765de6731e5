// A witness's state, one SQLite file (data-dir/witness.sqlite, exclusive lock: one process):
//   witnessed  per log origin, the latest checkpoint it cosigned (size, root, the note with its
//              cosignature appended, served to monitors)
//   refused    validly log-signed checkpoints it refused to cosign (old size conflicts excluded): a
//              fork or rewrite shows up here as evidence (tlog-witness: "MAY log the request")
import type { Db } from '../store/db.ts';

export const WITNESS_SCHEMA = `
CREATE TABLE IF NOT EXISTS witnessed (
  origin TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  root_hash BLOB NOT NULL,
  checkpoint TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS refused (
  id INTEGER PRIMARY KEY,
  origin TEXT NOT NULL,
  reason TEXT NOT NULL,
  body TEXT NOT NULL,
  received_at INTEGER NOT NULL
);
`;

export interface Witnessed {
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly checkpoint: string;
}

/** Evidence rows kept per origin; older ones are dropped (a log key holder could flood it). */
const MAX_EVIDENCE_PER_LOG = 1000;

export class WitnessState {
  readonly #stmts;

  constructor(db: Db) {
    this.#stmts = {
      get: db.prepare<[string], { size: number; root_hash: Buffer; checkpoint: string }>(
        'SELECT size, root_hash, checkpoint FROM witnessed WHERE origin = ?',
      ),
      set: db.prepare(
        'INSERT INTO witnessed (origin, size, root_hash, checkpoint, updated_at) VALUES (?, ?, ?, ?, ?) ' +
          'ON CONFLICT(origin) DO UPDATE SET size = excluded.size, root_hash = excluded.root_hash, ' +
          'checkpoint = excluded.checkpoint, updated_at = excluded.updated_at',
      ),
      refuse: db.prepare('INSERT INTO refused (origin, reason, body, received_at) VALUES (?, ?, ?, ?)'),
      trim: db.prepare(
        'DELETE FROM refused WHERE origin = ? AND id NOT IN (SELECT id FROM refused WHERE origin = ? ORDER BY id DESC LIMIT ?)',
      ),
      evidence: db.prepare<[string], { reason: string; body: string }>(
        'SELECT reason, body FROM refused WHERE origin = ? ORDER BY id',
      ),
    };
  }

  latest(origin: string): Witnessed | null {
    const row = this.#stmts.get.get(origin);
    return row
      ? { size: row.size, rootHash: new Uint8Array(row.root_hash), checkpoint: row.checkpoint }
      : null;
  }

  /** Persists the new latest cosigned checkpoint (before the cosignature is answered). */
  save(origin: string, w: Witnessed, now: number): void {
    this.#stmts.set.run(origin, w.size, Buffer.from(w.rootHash), w.checkpoint, now);
  }

  recordRefusal(origin: string, reason: string, body: string, now: number): void {
    this.#stmts.refuse.run(origin, reason, body, now);
    this.#stmts.trim.run(origin, origin, MAX_EVIDENCE_PER_LOG);
  }

  evidence(origin: string): Array<{ reason: string; body: string }> {
    return this.#stmts.evidence.all(origin);
  }
}
