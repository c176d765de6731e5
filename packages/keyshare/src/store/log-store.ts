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
    const rows = this.#db
      .prepare('SELECT idx, leaf_hash FROM leaves ORDER BY idx')
      .raw()
      .iterate() as Iterable<[number, Buffer]>;
    for (const [idx, hash] of rows) {
      if (idx !== this.tree.size) throw new LogIntegrityError(`leaf ${this.tree.size} is missing`);
      this.tree.append(hash); // HashArray copies it
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
