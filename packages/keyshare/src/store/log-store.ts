// Persistent log: appends records and the new signed checkpoint in one transaction, and answers the
// queries the HTTP API needs. The Merkle tree and the verifiable map (docs/keyshare.md §Map) are
// rebuilt in memory at start by one scan of the leaves in log order — the tree from the leaf hashes,
// the map by setting each leaf as its handle's latest — and both roots are checked against the last
// signed checkpoint, so a damaged database is refused. The map also answers "which leaf is this
// handle's latest" for lookups and publishes. (Rebuilding was measured against storing the map's
// nodes: docs/performance.md §Keyshare.)
import * as keyshare from '@sealpeer/client/keyshare';
import { type HashChildren, MerkleTree } from '../log/tree.ts';
import { type MapHasher, nobleMapHasher, SparseMap } from '../map/sparse-map.ts';
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

export interface StoreHashers {
  readonly hashChildren?: HashChildren;
  readonly map?: MapHasher;
  /** K(handle) (client map.ts mapKey); the service passes a node:crypto one. */
  readonly mapKey?: (handle: string) => Uint8Array;
}

export class LogStore {
  readonly tree: MerkleTree;
  readonly map: SparseMap;
  readonly mapKey: (handle: string) => Uint8Array;
  readonly #db: Db;
  readonly #stmts;
  #checkpoint: string;

  constructor(db: Db, signer: keyshare.NoteSigner, hashers: StoreHashers = {}) {
    this.#db = db;
    this.tree = new MerkleTree(hashers.hashChildren);
    this.map = new SparseMap(hashers.map ?? nobleMapHasher);
    this.mapKey = hashers.mapKey ?? keyshare.mapKey;
    this.#stmts = {
      insertLeaf: db.prepare(
        'INSERT INTO leaves (idx, handle, leaf, leaf_hash, record_json, logged_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      leafJson: db.prepare<[number], string>('SELECT record_json FROM leaves WHERE idx = ?').pluck(),
      leafRow: db.prepare<[number], { record_json: string; leaf: Buffer }>(
        'SELECT record_json, leaf FROM leaves WHERE idx = ?',
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
      .prepare('SELECT handle, leaf_hash FROM leaves WHERE idx >= ? AND idx < ? ORDER BY idx')
      .raw();
    for (let start = 0; start < count; start += LOAD_CHUNK) {
      let index = start;
      for (const [handle, hash] of chunk.all(start, start + LOAD_CHUNK) as Array<[string, Buffer]>) {
        this.tree.append(hash);
        this.map.set(this.mapKey(handle), { leafIndex: index++, leafHash: hash });
      }
    }
    const saved = this.#stmts.getMeta.get('checkpoint')?.value;
    if (saved !== undefined) {
      const cp = keyshare.openCheckpoint(saved, signer);
      if (cp.size !== this.tree.size || !Buffer.from(cp.rootHash).equals(this.tree.root())) {
        throw new LogIntegrityError('the stored leaves do not match the last signed checkpoint');
      }
      if (cp.mapRoot && !Buffer.from(cp.mapRoot).equals(this.map.root())) {
        throw new LogIntegrityError(
          'the stored leaves do not match the map root of the last signed checkpoint',
        );
      }
      // A log from before the map: sign the same tree again, now with its map root.
      if (cp.mapRoot) return saved;
    }
    return this.#signAndSave(signer);
  }

  #signAndSave(signer: keyshare.NoteSigner): string {
    const note = keyshare.signCheckpoint(
      { origin: signer.name, size: this.tree.size, rootHash: this.tree.root(), mapRoot: this.map.root() },
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
    const v = this.map.get(this.mapKey(handle));
    const json = v ? this.#stmts.leafJson.get(v.leafIndex) : undefined;
    return v && typeof json === 'string' ? { index: v.leafIndex, recordJson: json } : null;
  }

  latest(handle: string): { index: number; recordJson: string; leaf: Uint8Array } | null {
    const v = this.map.get(this.mapKey(handle));
    const row = v && this.#stmts.leafRow.get(v.leafIndex);
    return v && row
      ? { index: v.leafIndex, recordJson: row.record_json, leaf: new Uint8Array(row.leaf) }
      : null;
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
      this.tree.append(leafHash);
      this.map.set(this.mapKey(handle), { leafIndex: index, leafHash });
      return this.#signAndSave(signer);
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

  /** The map proof for `handle` against the map root of the current checkpoint. */
  mapProof(handle: string): keyshare.MapProof {
    return this.map.proof(this.mapKey(handle));
  }

  leaves(start: number, end: number): Uint8Array[] {
    return this.#stmts.leafRange.all(start, end).map((r) => new Uint8Array(r.leaf));
  }
}
