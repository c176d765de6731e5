// A log monitor: follows a keyshare log, verifies every checkpoint signature and every consistency
// step, rebuilds the tree from the leaves (its root must equal the checkpoint's), audits each record
// against the handle rules, and reports records of watched handles. Emits JSON-able events.
import { keyshare } from '@sealpeer/client';
import { MerkleTree } from '../log/tree.ts';

export type MonitorEvent =
  | { event: 'checkpoint'; size: number; rootHash: string; origin: string }
  | { event: 'consistent'; old: number; new: number }
  | {
      event: 'record';
      handle: string;
      kind: string;
      seq: number;
      leafIndex: number;
      identityKey: string;
      x25519Key: string;
      createdAt: number;
      expiresAt: number | null;
    }
  | { event: 'alert'; reason: string; message: string; leafIndex?: number };

export interface MonitorOptions {
  readonly url: string;
  readonly verifierKey: string;
  readonly watch: readonly string[];
  readonly emit: (e: MonitorEvent) => void;
  readonly fetch?: keyshare.FetchLike;
}

/** The log misbehaved; `code` is the alert reason (also emitted as an `alert` event). */
export class MonitorAlert extends keyshare.CodedError<string> {
  override readonly name = 'MonitorAlert';
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

export class LogMonitor {
  readonly #api: keyshare.KeyshareApi;
  readonly #verifier: keyshare.NoteVerifier;
  readonly #watch: Set<string>;
  readonly #emit: (e: MonitorEvent) => void;
  readonly #tree = new MerkleTree();
  readonly #latest = new Map<string, keyshare.SignedKeyRecord>();
  #checkpoint: keyshare.SignedCheckpoint | null = null;

  constructor(opts: MonitorOptions) {
    this.#api = new keyshare.KeyshareApi(opts.url, opts.fetch);
    this.#verifier = keyshare.parseVerifierKey(opts.verifierKey);
    this.#watch = new Set(opts.watch);
    this.#emit = opts.emit;
  }

  get size(): number {
    return this.#tree.size;
  }

  #alert(reason: string, message: string, leafIndex?: number): never {
    this.#emit({ event: 'alert', reason, message, ...(leafIndex === undefined ? {} : { leafIndex }) });
    throw new MonitorAlert(reason, message);
  }

  /** One polling step. Throws MonitorAlert (after emitting it) when the log misbehaves. */
  async step(): Promise<void> {
    let cp: keyshare.SignedCheckpoint;
    try {
      cp = keyshare.openCheckpoint(await this.#api.getCheckpoint(), this.#verifier);
    } catch (err) {
      if (err instanceof keyshare.NoteError) this.#alert('checkpoint_invalid', err.message);
      throw err;
    }
    const prev = this.#checkpoint;
    if (prev && cp.size < prev.size) this.#alert('checkpoint_rollback', `size ${cp.size} < ${prev.size}`);
    if (prev && cp.size === prev.size) {
      if (!Buffer.from(cp.rootHash).equals(prev.rootHash))
        this.#alert('fork_detected', `two roots for size ${cp.size}`);
      return;
    }
    this.#emit({ event: 'checkpoint', size: cp.size, rootHash: b64(cp.rootHash), origin: cp.origin });
    if (prev && prev.size > 0) {
      const proof = await this.#api.getConsistencyProof(prev.size, cp.size);
      try {
        keyshare.verifyConsistency(prev.size, cp.size, proof, prev.rootHash, cp.rootHash);
      } catch (err) {
        this.#alert('consistency_failed', (err as Error).message);
      }
      this.#emit({ event: 'consistent', old: prev.size, new: cp.size });
    }
    await this.#fetchLeaves(cp.size);
    if (!Buffer.from(this.#tree.root(cp.size)).equals(cp.rootHash)) {
      this.#alert('leaves_mismatch', 'the served leaves do not hash to the checkpoint root');
    }
    this.#checkpoint = cp;
  }

  async #fetchLeaves(size: number): Promise<void> {
    while (this.#tree.size < size) {
      const page = await this.#api.getLeaves(this.#tree.size, size);
      if (page.length === 0) this.#alert('leaves_missing', `no leaves served from ${this.#tree.size}`);
      for (const leaf of page) this.#audit(leaf, this.#tree.size);
    }
  }

  #audit(leaf: Uint8Array, index: number): void {
    let rec: keyshare.SignedKeyRecord;
    try {
      rec = keyshare.parseRecordLeaf(leaf);
    } catch (err) {
      this.#alert('record_invalid', (err as Error).message, index);
    }
    const verdict = keyshare.checkTransition(this.#latest.get(rec.handle) ?? null, rec);
    if (!verdict.ok)
      this.#alert('rule_violation', `${rec.handle}: ${verdict.code}: ${verdict.message}`, index);
    this.#latest.set(rec.handle, rec);
    this.#tree.append(keyshare.hashLeaf(leaf));
    if (this.#watch.has(rec.handle)) {
      this.#emit({
        event: 'record',
        handle: rec.handle,
        kind: rec.kind,
        seq: rec.seq,
        leafIndex: index,
        identityKey: b64(rec.identityKey),
        x25519Key: b64(rec.x25519Key),
        createdAt: rec.createdAt,
        expiresAt: rec.expiresAt,
      });
    }
  }
}
