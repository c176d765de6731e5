// Persistent log: appends records and the new signed checkpoint in one transaction, and answers the
// queries the HTTP API needs. The Merkle tree is rebuilt in memory from the stored leaf hashes at
// start and checked against the last signed checkpoint, so a damaged database is refused.
import { keyshare } from '@sealpeer/client';
import { type HashChildren, MerkleTree } from '../log/tree.ts';
import type { Db } from './db.ts';

export interface StoredLeaf {
  readonly index: number;
  readonly recordJson: string;
}

const LOAD_CHUNK = 100_000;

export class LogIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogIntegrityError';
  }
}

export class LogStore {
  readonly tree: MerkleTree;
  readonly #db: Db;
  readonly #stmts;
  #checkpoint: string;

  constructor(db: Db, signer: keyshare.NoteSigner, hashChildren?: HashChildren) {
    this.#db = db;
    this.tree = new MerkleTree(hashChildren);
    this.#stmts = {
      insertLeaf: db.prepare(
        'INSERT INTO leaves (idx, handle, leaf, leaf_hash, record_json, logged_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      upsertHandle: db.prepare(
        'INSERT INTO handles (handle, leaf_idx) VALUES (?, ?) ON CONFLICT(handle) DO UPDATE SET leaf_idx = excluded.leaf_idx',
      ),
      handleJson: db.prepare<[string], { idx: number; record_json: string }>(
        'SELECT l.idx, l.record_json FROM handles h JOIN leaves l ON l.idx = h.leaf_idx WHERE h.handle = ?',
      ),
      handleLeaf: db.prepare<[string], { idx: number; record_json: string; leaf: Buffer }>(
        'SELECT l.idx, l.record_json, l.leaf FROM handles h JOIN leaves l ON l.idx = h.leaf_idx WHERE h.handle = ?',
      ),
      leafRange: db.prepare<[number, number], { leaf: Buffer }>(
        'SELECT leaf FROM leaves WHERE idx >= ? AND idx < ? ORDER BY idx',
      ),
      setMeta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    };
    this.#checkpoint = this.#load(signer);
  }

  #load(signer: keyshare.NoteSigner): string {
    const origin = this.#stmts.getMeta.get('origin')?.value;
    if (origin !== undefined && origin !== signer.name) {
      throw new LogIntegrityError(`this data dir holds the log "${origin}", not "${signer.name}"`);
    }
    if (origin === undefined) this.#stmts.setMeta.run('origin', signer.name);
    // Leaf indices must be exactly 0..count-1; then load the hashes in chunks (plucked arrays are much
    // faster than a row iterator for a million rows).
    const { count, max } = this.#db
      .prepare('SELECT COUNT(*) AS count, MAX(idx) AS max FROM leaves')
      .get() as {
      count: number;
      max: number | null;
    };
    if (count > 0 && max !== count - 1)
      throw new LogIntegrityError(`leaves are missing (${count} rows, last ${max})`);
    const chunk = this.#db
      .prepare('SELECT leaf_hash FROM leaves WHERE idx >= ? AND idx < ? ORDER BY idx')
      .pluck();
    for (let start = 0; start < count; start += LOAD_CHUNK) {
      for (const hash of chunk.all(start, start + LOAD_CHUNK) as Buffer[]) this.tree.append(hash);
    }
    const saved = this.#stmts.getMeta.get('checkpoint')?.value;
    if (saved !== undefined) {
      const cp = keyshare.openCheckpoint(saved, signer);
      if (cp.size !== this.tree.size || !Buffer.from(cp.rootHash).equals(this.tree.root())) {
        throw new LogIntegrityError('the stored leaves do not match the last signed checkpoint');
      }
      return saved;
    }
    const note = keyshare.signCheckpoint(
      { origin: signer.name, size: this.tree.size, rootHash: this.tree.root() },
      signer,
    );
    this.#stmts.setMeta.run('checkpoint', note);
    return note;
  }

  /** The latest signed checkpoint note. */
  get checkpoint(): string {
    return this.#checkpoint;
  }

  get size(): number {
    return this.tree.size;
  }

  /** The handle's latest leaf index and record JSON (the lookup hot path: no leaf bytes). */
  latestJson(handle: string): { index: number; recordJson: string } | null {
    const row = this.#stmts.handleJson.get(handle);
    return row ? { index: row.idx, recordJson: row.record_json } : null;
  }

  latest(handle: string): { index: number; recordJson: string; leaf: Uint8Array } | null {
    const row = this.#stmts.handleLeaf.get(handle);
    return row ? { index: row.idx, recordJson: row.record_json, leaf: new Uint8Array(row.leaf) } : null;
  }

  /**
   * Appends one leaf and signs the new checkpoint, atomically. The caller has already checked the
   * record against the handle's current state inside the same synchronous turn.
   */
  append(
    handle: string,
    leaf: Uint8Array,
    recordJson: string,
    signer: keyshare.NoteSigner,
    now: number,
  ): number {
    const index = this.tree.size;
    const leafHash = keyshare.hashLeaf(leaf);
    const run = this.#db.transaction(() => {
      this.#stmts.insertLeaf.run(index, handle, leaf, leafHash, recordJson, now);
      this.#stmts.upsertHandle.run(handle, index);
      this.tree.append(leafHash);
      const note = keyshare.signCheckpoint(
        { origin: signer.name, size: this.tree.size, rootHash: this.tree.root() },
        signer,
      );
      this.#stmts.setMeta.run('checkpoint', note);
      return note;
    });
    try {
      this.#checkpoint = run();
    } catch (err) {
      if (this.tree.size > index)
        throw new LogIntegrityError(`append failed after the tree grew: ${String(err)}`);
      throw err;
    }
    return index;
  }

  leaves(start: number, end: number): Uint8Array[] {
    return this.#stmts.leafRange.all(start, end).map((r) => new Uint8Array(r.leaf));
  }
}
