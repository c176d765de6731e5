// KeyshareClient: looks up peers' keys with full verification, and publishes / rotates / revokes the
// user's own record. See docs/keyshare.md §Client.
import { ready } from '../crypto/sodium.ts';
import { type FetchLike, KeyshareApi, type LookupAnswer, type RecordAnswer } from './api.ts';
import type { SignedCheckpoint } from './checkpoint.ts';
import {
  checkWitnessQuorum,
  type ParsedWitnessPolicy,
  parseWitnessPolicy,
  type WitnessPolicy,
} from './cosignature.ts';
import { bytesEqual } from './encoding.ts';
import { KeyshareIntegrityError, KeyshareRequestError, KeyshareUnverifiedError } from './errors.ts';
import { checkConsistent, LogView } from './log-view.ts';
import { type NoteVerifier, parseVerifierKey } from './note.ts';
import {
  type KeyRecord,
  type RecordSigner,
  recordLeafHash,
  recordSigningBytes,
  recordToJson,
  type SignedKeyRecord,
  ZERO_HASH,
} from './record.ts';
import { type KeyshareStateStore, MemoryStateStore } from './state.ts';
import { verifyAbsenceAnswer, verifyCheckpointNote, verifyRecordAnswer } from './verify.ts';

export interface KeyshareClientOptions {
  /** Base URL of the keyshare, e.g. http://127.0.0.1:8090 */
  readonly url: string;
  /** The log's verifier key (signed-note format), pinned out of band. */
  readonly verifierKey: string;
  /** Persists the last verified checkpoint; defaults to memory (lost on restart). */
  readonly stateStore?: KeyshareStateStore;
  readonly fetch?: FetchLike;
  /** Clock for createdAt, in ms (tests). */
  readonly now?: () => number;
  /**
   * Pinned witnesses (C2SP tlog-cosignature vkeys) and the quorum k: every checkpoint this client
   * accepts from the keyshare must carry valid cosignatures from k of them (`witness_quorum`).
   */
  readonly witnesses?: WitnessPolicy;
}

export type RecordStatus = 'active' | 'revoked' | 'expired';

export interface LookupResult {
  readonly handle: string;
  readonly status: RecordStatus;
  /** Ed25519 identity key. Use only when status === 'active'. */
  readonly identityKey: Uint8Array;
  /** X25519 key. Use only when status === 'active'. */
  readonly x25519Key: Uint8Array;
  readonly record: SignedKeyRecord;
  readonly leafIndex: number;
  readonly checkpoint: SignedCheckpoint;
}

const WITNESS_RETRY_MS = 1000;

export interface PublishKeys {
  /** Signs with the identity key to publish (for rotate: the new key). */
  readonly signer: RecordSigner;
  readonly x25519Key: Uint8Array;
  readonly expiresAt?: number | null;
}

export class KeyshareClient {
  readonly verifier: NoteVerifier;
  readonly api: KeyshareApi;
  readonly #view: LogView;
  readonly #now: () => number;
  readonly #witnesses: ParsedWitnessPolicy | null;

  constructor(options: KeyshareClientOptions) {
    this.verifier = parseVerifierKey(options.verifierKey);
    this.#witnesses = options.witnesses ? parseWitnessPolicy(options.witnesses) : null;
    this.api = new KeyshareApi(options.url, options.fetch);
    this.#view = new LogView(this.verifier, options.stateStore ?? new MemoryStateStore(), (a, b) =>
      this.api.getConsistencyProof(a, b),
    );
    this.#now = options.now ?? Date.now;
  }

  /** Fetches, verifies and records the log's latest checkpoint. */
  async checkpoint(): Promise<SignedCheckpoint> {
    await ready(); // Ed25519 verification through libsodium (note.ts)
    const cp = verifyCheckpointNote(await this.api.getCheckpoint(), this.verifier);
    this.#checkWitnesses(cp);
    await this.#view.advance(cp);
    return cp;
  }

  /** The last checkpoint this client verified (to hand to peers in the sealed handshake), or null. */
  async latestCheckpointNote(): Promise<string | null> {
    return (await this.#view.latest())?.note ?? null;
  }

  /** The pinned witness quorum, when one is configured (tlog-cosignature). */
  #checkWitnesses(cp: SignedCheckpoint): void {
    if (this.#witnesses) checkWitnessQuorum(cp.note, this.#witnesses);
  }

  async #accept(answer: RecordAnswer, handle: string): Promise<LookupResult> {
    await ready();
    const v = verifyRecordAnswer(answer, this.verifier, handle);
    this.#checkWitnesses(v.checkpoint);
    await this.#view.advance(v.checkpoint);
    const r = v.record;
    const expired = r.expiresAt !== null && r.expiresAt <= this.#now();
    const status: RecordStatus = r.kind === 'revoke' ? 'revoked' : expired ? 'expired' : 'active';
    return {
      handle,
      status,
      identityKey: r.identityKey,
      x25519Key: r.x25519Key,
      record: r,
      leafIndex: v.leafIndex,
      checkpoint: v.checkpoint,
    };
  }

  /** A lookup answer verified: the record, or (after the absence proof is verified) not_found. */
  async #acceptLookup(found: LookupAnswer, handle: string): Promise<LookupResult> {
    if (found.found) return this.#accept(found.answer, handle);
    await ready();
    const cp = verifyAbsenceAnswer(found.absence, this.verifier, handle);
    this.#checkWitnesses(cp);
    await this.#view.advance(cp);
    throw new KeyshareRequestError(404, 'not_found', `no record for ${handle} (absence proven by the map)`);
  }

  /**
   * Looks up a handle's latest record and verifies it completely: record signature, inclusion proof
   * against the checkpoint, the map proof that this record is the handle's current one, checkpoint
   * signature against the pinned key, and consistency with the last checkpoint seen. Throws
   * KeyshareIntegrityError on any proven failure (do not use the key then),
   * KeyshareUnverifiedError('witness_quorum') when the pinned witness quorum is not met (do not use
   * the key either, but nothing is proven false), KeyshareRequestError('not_found') when the map
   * proves nothing is logged for the handle (a "not found" without that proof is `absence_unproven`).
   *
   * An answer older than the stored checkpoint is asked for again once: concurrent lookups can be
   * answered out of order by an honest log. A log that serves the older tree again is refused
   * (`checkpoint_rollback`). With pinned witnesses, a checkpoint short of the quorum is also asked
   * for again once, after a short pause: a keyshare serves its newest checkpoint while its witnesses
   * are still cosigning it.
   */
  async lookup(handle: string): Promise<LookupResult> {
    try {
      return await this.#acceptLookup(await this.api.getRecord(handle), handle);
    } catch (err) {
      const reason =
        err instanceof KeyshareIntegrityError || err instanceof KeyshareUnverifiedError ? err.reason : null;
      if (reason === 'witness_quorum') await new Promise((r) => setTimeout(r, WITNESS_RETRY_MS));
      else if (reason !== 'checkpoint_rollback') throw err;
      return this.#acceptLookup(await this.api.getRecord(handle), handle);
    }
  }

  async #submit(
    record: KeyRecord,
    signers: { signer: RecordSigner; prev?: RecordSigner },
  ): Promise<LookupResult> {
    const bytes = recordSigningBytes(record);
    const signed: SignedKeyRecord = {
      ...record,
      signature: await signers.signer.sign(bytes),
      prevSignature: signers.prev ? await signers.prev.sign(bytes) : null,
    };
    const answer = await this.api.postRecord(recordToJson(signed));
    try {
      return await this.#accept(answer, record.handle);
    } catch (err) {
      // Logged, but the witnesses had not cosigned in time: look it up again (that retries once more)
      // and accept only our own record.
      if (!(err instanceof KeyshareUnverifiedError && err.reason === 'witness_quorum')) throw err;
      await new Promise((r) => setTimeout(r, WITNESS_RETRY_MS));
      const again = await this.lookup(record.handle);
      if (!bytesEqual(again.record.signature, signed.signature)) throw err;
      return again;
    }
  }

  /** Claims `handle` for these keys (the first record of a handle). */
  async publish(handle: string, keys: PublishKeys): Promise<LookupResult> {
    const record: KeyRecord = {
      kind: 'claim',
      handle,
      seq: 0,
      createdAt: this.#now(),
      expiresAt: keys.expiresAt ?? null,
      identityKey: keys.signer.publicKey,
      x25519Key: keys.x25519Key,
      prev: ZERO_HASH,
    };
    return this.#submit(record, { signer: keys.signer });
  }

  async #current(handle: string, signer: RecordSigner): Promise<LookupResult> {
    const cur = await this.lookup(handle);
    if (!bytesEqual(cur.identityKey, signer.publicKey)) {
      throw new KeyshareRequestError(0, 'not_own_key', 'the signer does not hold the current identity key');
    }
    return cur;
  }

  /** The record that follows `cur` for its handle (seq + 1, prev = its leaf hash). */
  #followUp(
    cur: LookupResult,
    kind: 'rotate' | 'revoke',
    keys: Omit<KeyRecord, 'kind' | 'handle' | 'seq' | 'createdAt' | 'prev'>,
  ): KeyRecord {
    return {
      kind,
      handle: cur.handle,
      seq: cur.record.seq + 1,
      createdAt: Math.max(this.#now(), cur.record.createdAt),
      prev: recordLeafHash(cur.record),
      ...keys,
    };
  }

  /** Rotates to new keys; signed by the current identity key (`current`) and the new one. */
  async rotate(handle: string, current: RecordSigner, next: PublishKeys): Promise<LookupResult> {
    const cur = await this.#current(handle, current);
    const record = this.#followUp(cur, 'rotate', {
      expiresAt: next.expiresAt ?? null,
      identityKey: next.signer.publicKey,
      x25519Key: next.x25519Key,
    });
    return this.#submit(record, { signer: next.signer, prev: current });
  }

  /** Revokes the handle for good; signed by the current identity key. */
  async revoke(handle: string, current: RecordSigner): Promise<LookupResult> {
    const cur = await this.#current(handle, current);
    const record = this.#followUp(cur, 'revoke', {
      expiresAt: null,
      identityKey: cur.identityKey,
      x25519Key: cur.x25519Key,
    });
    return this.#submit(record, { signer: current });
  }

  /**
   * Checks a peer's checkpoint of this log against ours (see checkPeerCheckpoint); on success the
   * newer of the two becomes our stored view.
   */
  async checkPeerCheckpoint(theirs: string): Promise<PeerCheckResult> {
    await ready();
    const mine = (await this.#view.latest()) ?? (await this.checkpoint());
    const result = await checkPeerCheckpoint(mine.note, theirs, {
      verifier: this.verifier,
      consistencyProof: (a, b) => this.api.getConsistencyProof(a, b),
    });
    await this.#view.advance(result.newer);
    return result;
  }
}

export interface PeerCheckResult {
  /** 'same': identical tree heads; 'consistent': one extends the other (proof verified). */
  readonly status: 'same' | 'consistent';
  readonly older: SignedCheckpoint;
  readonly newer: SignedCheckpoint;
}

export interface PeerCheckLog {
  readonly verifier: NoteVerifier;
  readonly consistencyProof: (oldSize: number, newSize: number) => Promise<Uint8Array[]>;
}

/**
 * Split-view detection between two peers of one log. `mine` and `theirs` are checkpoint notes (the
 * peer's arrives inside the sealed handshake payload). Both must be signed by the pinned log key;
 * then the smaller tree must be a prefix of the larger (consistency proof fetched from the log).
 * Throws KeyshareIntegrityError: 'checkpoint_invalid' (theirs is not a checkpoint of this log) or
 * 'split_view' (the log showed us different histories).
 */
export async function checkPeerCheckpoint(
  mine: string,
  theirs: string,
  log: PeerCheckLog,
): Promise<PeerCheckResult> {
  const a = verifyCheckpointNote(mine, log.verifier);
  const b = verifyCheckpointNote(theirs, log.verifier);
  const [older, newer] = a.size <= b.size ? [a, b] : [b, a];
  await checkConsistent(older, newer, log.consistencyProof, 'split_view');
  const same = older.size === newer.size;
  return { status: same ? 'same' : 'consistent', older, newer };
}
