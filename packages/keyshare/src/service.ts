// The keyshare's rules, over the log store: accept or refuse a record, and answer lookups and proofs.
// Every method is synchronous, so concurrent requests are serialised by the event loop: the check
// against the handle's current record and the append happen in one turn (no lost updates).
import * as keyshare from '@sealpeer/client/keyshare';
import { ApiError } from './errors.ts';
import { entryBundle, hashTile, type TileRef, tileExists } from './log/tiles.ts';
import type { LogStore } from './store/log-store.ts';

export interface MapProofJson {
  leaf: { key: string; leafIndex: number; leafHash: string } | null;
  siblings: string[];
}

export interface RecordAnswerJson {
  record: keyshare.RecordJson;
  leafIndex: number;
  inclusionProof: string[];
  mapProof: MapProofJson;
  checkpoint: string;
}

/** A lookup answer already serialised: 200 with the record, or 404 with the map's absence proof. */
export interface LookupReply {
  status: 200 | 404;
  body: string;
}

export interface ServiceOptions {
  /** How far createdAt may be from the server clock, in ms. */
  readonly maxClockSkewMs: number;
  readonly maxLeavesPage: number;
  readonly now?: () => number;
  /** Appends the witnesses' cosignatures to a checkpoint note before it is served. */
  readonly cosigned?: (note: string) => string;
  /** Called with each newly signed checkpoint (the witnesses are asked to cosign it). */
  readonly onCheckpoint?: (note: string) => void;
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

export function mapProofJson(p: keyshare.MapProof): MapProofJson {
  const leaf = p.leaf && {
    key: b64(p.leaf.key),
    leafIndex: p.leaf.leafIndex,
    leafHash: b64(p.leaf.leafHash),
  };
  return { leaf, siblings: p.siblings.map(b64) };
}

/** JSON array of base64 hashes, built by hand on the lookup hot path. */
function hashesJson(hashes: Uint8Array[]): string {
  let out = '[';
  for (let i = 0; i < hashes.length; i++) out += `${i ? ',' : ''}"${b64(hashes[i]!)}"`;
  return `${out}]`;
}

export class KeyshareService {
  readonly #store: LogStore;
  readonly #signer: keyshare.NoteSigner;
  readonly #opts: ServiceOptions;
  readonly #now: () => number;
  #failed: string | null = null;
  #cpJson: { note: string; json: string } | null = null;

  constructor(store: LogStore, signer: keyshare.NoteSigner, opts: ServiceOptions) {
    this.#store = store;
    this.#signer = signer;
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.#store.size;
  }

  get failed(): string | null {
    return this.#failed;
  }

  /** The latest checkpoint as served: the log's note plus any witness cosignatures of it. */
  checkpoint(): string {
    return this.#opts.cosigned ? this.#opts.cosigned(this.#store.checkpoint) : this.#store.checkpoint;
  }

  #answer(handle: string, index: number, recordJson: string): RecordAnswerJson {
    const size = this.#store.size;
    return {
      record: JSON.parse(recordJson) as keyshare.RecordJson,
      leafIndex: index,
      inclusionProof: this.#store.tree.inclusionProof(index, size).map(b64),
      mapProof: mapProofJson(this.#store.mapProof(handle)),
      checkpoint: this.checkpoint(),
    };
  }

  /**
   * The handle's record answer proven against the latest checkpoint (after witnesses cosigned). If the
   * handle got a later record meanwhile, that one: an older leaf's map proof would (rightly) show it
   * superseded, and the publisher's client looks its own record up again then.
   */
  refresh(answer: RecordAnswerJson): RecordAnswerJson {
    const handle = answer.record.handle;
    const cur = this.#store.latestJson(handle);
    return cur
      ? this.#answer(handle, cur.index, cur.recordJson)
      : this.#answer(handle, answer.leafIndex, JSON.stringify(answer.record));
  }

  /** JSON string of the current checkpoint note, serialised once per checkpoint. */
  #checkpointJson(): string {
    const note = this.checkpoint();
    if (this.#cpJson?.note !== note) this.#cpJson = { note, json: JSON.stringify(note) };
    return this.#cpJson.json;
  }

  /**
   * The lookup answer already serialised (the hot path: no parse/re-serialise of the stored record).
   * `record_json` is written only by publish(), from a validated record, so it is safe to embed.
   * Found: the record, its inclusion proof and the map proof that it is the handle's current leaf.
   * Not found: 404 with the map proof that the handle has no entry. All for the same checkpoint.
   */
  lookupJson(handle: string): LookupReply {
    if (!keyshare.HANDLE_RE.test(handle)) throw new ApiError('handle_invalid');
    const cur = this.#store.latestJson(handle);
    const map = JSON.stringify(mapProofJson(this.#store.mapProof(handle)));
    if (!cur) {
      const error = JSON.stringify({ code: 'not_found', message: `no record for ${handle}` });
      return {
        status: 404,
        body: `{"error":${error},"mapProof":${map},"checkpoint":${this.#checkpointJson()}}`,
      };
    }
    const proof = hashesJson(this.#store.tree.inclusionProof(cur.index, this.#store.size));
    return {
      status: 200,
      body: `{"record":${cur.recordJson},"leafIndex":${cur.index},"inclusionProof":${proof},"mapProof":${map},"checkpoint":${this.#checkpointJson()}}`,
    };
  }

  /** Validates and appends a record. Throws ApiError with the refusal code; nothing is stored then. */
  publish(body: unknown): RecordAnswerJson {
    if (this.#failed) throw new ApiError('unavailable', 'the log is in a failed state; see the server log');
    let record: keyshare.SignedKeyRecord;
    try {
      record = keyshare.recordFromJson(body);
    } catch (err) {
      throw new ApiError(
        /handle/.test((err as Error).message) ? 'handle_invalid' : 'record_malformed',
        (err as Error).message,
      );
    }
    const now = this.#now();
    if (Math.abs(record.createdAt - now) > this.#opts.maxClockSkewMs) {
      throw new ApiError(
        'clock_skew',
        `createdAt must be within ${this.#opts.maxClockSkewMs / 1000}s of ${now}`,
      );
    }
    const cur = this.#store.latest(record.handle);
    const current = cur ? keyshare.parseRecordLeaf(cur.leaf) : null;
    const verdict = keyshare.checkTransition(current, record);
    if (!verdict.ok) throw new ApiError(verdict.code, verdict.message);
    const json = JSON.stringify(keyshare.recordToJson(record));
    try {
      const index = this.#store.append(record.handle, keyshare.recordLeaf(record), json, this.#signer, now);
      this.#opts.onCheckpoint?.(this.#store.checkpoint);
      return this.#answer(record.handle, index, json);
    } catch (err) {
      if ((err as Error).name === 'LogIntegrityError') this.#failed = (err as Error).message;
      throw err;
    }
  }

  consistency(oldSize: number, newSize: number): string[] {
    if (oldSize < 1 || oldSize > newSize || newSize > this.#store.size) {
      throw new ApiError('bad_range', `need 1 <= old <= new <= ${this.#store.size}`);
    }
    return this.#store.tree.consistencyProof(oldSize, newSize).map(b64);
  }

  leaves(start: number, end: number): { start: number; end: number; leaves: string[] } {
    if (start >= end || end > this.#store.size) {
      throw new ApiError('bad_range', `need start < end <= ${this.#store.size}`);
    }
    const stop = Math.min(end, start + this.#opts.maxLeavesPage);
    return { start, end: stop, leaves: this.#store.leaves(start, stop).map(b64) };
  }

  /** A C2SP tlog-tiles resource (hash tile or entry bundle); not_found beyond the log. */
  tile(t: TileRef): Uint8Array {
    if (!tileExists(t, this.#store.size)) throw new ApiError('not_found', 'no such tile in this log');
    if (t.level === 'entries') {
      const start = t.index * keyshare.TILE_WIDTH;
      return entryBundle(this.#store.leaves(start, start + t.width));
    }
    return hashTile(this.#store.tree, { ...t, level: t.level });
  }
}
