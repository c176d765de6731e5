// A log monitor: follows a keyshare log, verifies every checkpoint signature and every consistency
// step, replays every leaf — rebuilding the tree and the verifiable map (docs/keyshare.md §Map), whose
// roots must equal the checkpoint's log root and map root — audits each record against the handle
// rules (a takeover, a resurrected revoked handle, a skipped rotation is an alert: the map entry it
// would make does not follow the rules), and reports records of watched handles. Emits JSON-able events.
import * as keyshare from '@sealpeer/client/keyshare';
import { nodeHashChildren, nodeHashLeaf, nodeMapHasher, nodeMapKey } from '../log/node-hash.ts';
import { MerkleTree } from '../log/tree.ts';
import { SparseMap } from '../map/sparse-map.ts';

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
  | { event: 'alert'; reason: string; message: string; leafIndex?: number; rule?: RuleBreak };

/** How a record breaks the handle rules, by the refusal code of checkTransition (rules.ts). */
export type RuleBreak = 'takeover' | 'resurrected' | 'skipped_rotation' | 'bad_record';

export function ruleBreak(code: keyshare.TransitionRefusal): RuleBreak {
  switch (code) {
    case 'handle_taken':
    case 'not_signed_by_current_key':
    case 'identity_key_changed':
      return 'takeover'; // another key took a claimed handle
    case 'handle_revoked':
      return 'resurrected'; // something followed a revocation
    case 'bad_sequence':
    case 'bad_prev':
    case 'stale_record':
    case 'handle_unknown':
      return 'skipped_rotation'; // the handle's chain of records is broken
    default:
      return 'bad_record';
  }
}

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
  readonly #tree = new MerkleTree(nodeHashChildren);
  readonly #map = new SparseMap(nodeMapHasher);
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

  #alert(reason: string, message: string, leafIndex?: number, rule?: RuleBreak): never {
    this.#emit({
      event: 'alert',
      reason,
      message,
      ...(leafIndex === undefined ? {} : { leafIndex }),
      ...(rule ? { rule } : {}),
    });
    throw new MonitorAlert(reason, message);
  }

  /** One polling step. Throws MonitorAlert (after emitting it) when the log misbehaves. */
  async step(): Promise<void> {
    await keyshare.ready(); // record and checkpoint signatures through libsodium
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
      this.#checkMapRoot(cp);
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
    this.#checkMapRoot(cp);
    this.#checkpoint = cp;
  }

  /** The checkpoint's map root must be the root of the map replayed from its leaves. */
  #checkMapRoot(cp: keyshare.SignedCheckpoint): void {
    if (!cp.mapRoot) this.#alert('map_root_missing', `the checkpoint of size ${cp.size} has no map root`);
    if (!Buffer.from(this.#map.root()).equals(cp.mapRoot)) {
      this.#alert(
        'map_root_mismatch',
        `the map root of the checkpoint of size ${cp.size} is not the map replayed from the log`,
      );
    }
  }

  /** Fetches and audits leaves up to `size`; the next page is requested while one is audited. */
  async #fetchLeaves(size: number): Promise<void> {
    let next = this.#tree.size < size ? this.#api.getLeaves(this.#tree.size, size) : null;
    while (next) {
      const page = await next;
      if (page.length === 0) this.#alert('leaves_missing', `no leaves served from ${this.#tree.size}`);
      const after = this.#tree.size + page.length;
      next = after < size ? this.#api.getLeaves(after, size) : null;
      next?.catch(() => undefined); // awaited on the next turn; an alert below must not leave it unhandled
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
    if (!verdict.ok) {
      const rule = ruleBreak(verdict.code);
      this.#alert(
        'rule_violation',
        `${rec.handle}: ${rule} (${verdict.code}): ${verdict.message}`,
        index,
        rule,
      );
    }
    this.#latest.set(rec.handle, rec);
    const leafHash = nodeHashLeaf(leaf);
    this.#tree.append(leafHash);
    this.#map.set(nodeMapKey(rec.handle), { leafIndex: index, leafHash });
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
