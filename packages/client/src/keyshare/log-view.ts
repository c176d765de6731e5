// A client's view of one log: the latest checkpoint it verified, persisted in a KeyshareStateStore.
// Every newer checkpoint must be proven an append-only extension of it (RFC 9162 §2.1.4); a smaller
// tree is a rollback and an equal-size tree with another root is a fork.
import type { SignedCheckpoint } from './checkpoint.ts';
import { bytesEqual } from './encoding.ts';
import { KeyshareIntegrityError } from './errors.ts';
import { verifyConsistency } from './merkle.ts';
import { formatVerifierKey, type NoteVerifier, parseSignedNote } from './note.ts';
import type { KeyshareStateStore, StoredCheckpoint } from './state.ts';
import { verifyCheckpointNote } from './verify.ts';

export type ConsistencyProofSource = (oldSize: number, newSize: number) => Promise<Uint8Array[]>;

/**
 * Throws unless `older` and `newer` (both verified, older.size <= newer.size) are views of one
 * append-only log. `fork` is the reason used when they are not.
 */
export async function checkConsistent(
  older: SignedCheckpoint,
  newer: SignedCheckpoint,
  proofs: ConsistencyProofSource,
  fork: 'fork_detected' | 'split_view' | 'consistency_failed' = 'consistency_failed',
): Promise<void> {
  if (older.size === 0) return; // Every tree extends the empty tree.
  if (older.size === newer.size) {
    // The map is a function of the log's leaves (docs/keyshare.md §Map): one tree, two map roots is
    // an equivocation signed by the log key, like two roots for one size.
    const mapsDiffer = older.mapRoot && newer.mapRoot && !bytesEqual(older.mapRoot, newer.mapRoot);
    if (!bytesEqual(older.rootHash, newer.rootHash) || mapsDiffer) {
      throw new KeyshareIntegrityError(
        fork === 'consistency_failed' ? 'fork_detected' : fork,
        mapsDiffer ? `two map roots for tree size ${newer.size}` : undefined,
      );
    }
    return;
  }
  const proof = await proofs(older.size, newer.size);
  try {
    verifyConsistency(older.size, newer.size, proof, older.rootHash, newer.rootHash);
  } catch (err) {
    throw new KeyshareIntegrityError(fork, (err as Error).message);
  }
}

/**
 * The store slot of a log: its verifier key string (`<name>+<key ID>+<key>`), so two logs with the same
 * origin name (e.g. two keyshares left at the default name) never share a stored checkpoint.
 */
export function logSlot(verifier: NoteVerifier): string {
  return formatVerifierKey(verifier);
}

export class LogView {
  readonly #verifier: NoteVerifier;
  readonly #slot: string;
  readonly #store: KeyshareStateStore;
  readonly #proofs: ConsistencyProofSource;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(verifier: NoteVerifier, store: KeyshareStateStore, proofs: ConsistencyProofSource) {
    this.#verifier = verifier;
    this.#slot = logSlot(verifier);
    this.#store = store;
    this.#proofs = proofs;
  }

  /** The last verified checkpoint (re-verified from the store), or null. */
  async latest(): Promise<SignedCheckpoint | null> {
    const stored = (await this.#store.load(this.#slot)) ?? (await this.#legacy());
    if (!stored) return null;
    try {
      return verifyCheckpointNote(stored.note, this.#verifier);
    } catch {
      throw new KeyshareIntegrityError('state_invalid');
    }
  }

  /**
   * Stores written before the slot was the verifier key kept the note under the origin name alone, where
   * two logs of one name (e.g. the default name) collided. Such an entry is taken over (copied to this
   * log's slot) when one of its signature lines names this log's key (name and key ID); a note of
   * another key of the same name belongs to another log and is left alone. An entry that does not parse
   * is damage, reported as state_invalid by latest().
   */
  async #legacy(): Promise<StoredCheckpoint | null> {
    const old = await this.#store.load(this.#verifier.name);
    if (!old) return null;
    let ours: boolean;
    try {
      ours = parseSignedNote(old.note).signatures.some(
        (s) => s.name === this.#verifier.name && bytesEqual(s.keyId, this.#verifier.keyId),
      );
    } catch {
      return old;
    }
    if (!ours) return null;
    await this.#store.save(this.#slot, { note: old.note });
    return old;
  }

  /** Accepts `next` if it is consistent with the stored view, and stores it if it is newer. */
  advance(next: SignedCheckpoint): Promise<void> {
    // Serialised so two concurrent lookups cannot store an older checkpoint over a newer one.
    const run = this.#queue.then(async () => {
      const prev = await this.latest();
      if (prev) {
        if (next.size < prev.size) {
          // An older tree than one already verified: a stale or rolled-back view (it could hide a
          // later rotation or revocation), refused.
          throw new KeyshareIntegrityError(
            'checkpoint_rollback',
            `tree size ${next.size} < ${prev.size} seen before`,
          );
        }
        await checkConsistent(prev, next, this.#proofs);
        if (next.size === prev.size) return;
      }
      await this.#store.save(this.#slot, { note: next.note });
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
