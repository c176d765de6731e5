// Pure checks of keyshare answers against the pinned log key (no I/O).
import type { AbsenceAnswer, RecordAnswer } from './api.ts';
import { openCheckpoint, type SignedCheckpoint } from './checkpoint.ts';
import { bytesEqual, toBase64 } from './encoding.ts';
import { KeyshareIntegrityError } from './errors.ts';
import { type MapLookup, type MapProof, mapKey, verifyMapProof } from './map.ts';
import { verifyInclusion } from './merkle.ts';
import type { NoteVerifier } from './note.ts';
import { recordFromJson, recordLeafHash, type SignedKeyRecord, verifyRecordSignature } from './record.ts';

// Checkpoints already verified, by (verifier key, exact note text): a client answering many lookups
// against one checkpoint checks its signature once. Verification is a pure function of the two, so
// the memo changes no outcome; it is bounded (oldest first out).
const MEMO_LIMIT = 64;
const verified = new Map<string, SignedCheckpoint>();

/** Empties the memo of verified checkpoints (benchmarks measuring a cold verification). */
export function forgetVerifiedCheckpoints(): void {
  verified.clear();
}

/** Verifies a checkpoint note; any failure is KeyshareIntegrityError('checkpoint_invalid'). */
export function verifyCheckpointNote(note: string, verifier: NoteVerifier): SignedCheckpoint {
  const memoKey = `${verifier.name}\n${toBase64(verifier.publicKey)}\n${note}`;
  const hit = verified.get(memoKey);
  if (hit) return hit;
  let cp: SignedCheckpoint;
  try {
    cp = openCheckpoint(note, verifier);
  } catch (err) {
    throw new KeyshareIntegrityError('checkpoint_invalid', (err as Error).message);
  }
  if (verified.size >= MEMO_LIMIT) verified.delete(verified.keys().next().value as string);
  verified.set(memoKey, cp);
  return cp;
}

export interface VerifiedRecord {
  readonly record: SignedKeyRecord;
  readonly leafIndex: number;
  readonly checkpoint: SignedCheckpoint;
}

/** What the checkpoint's map holds for `handle` (KeyshareIntegrityError unless the proof verifies). */
function lookUpMap(checkpoint: SignedCheckpoint, handle: string, proof: MapProof): MapLookup {
  if (!checkpoint.mapRoot) {
    throw new KeyshareIntegrityError('checkpoint_invalid', 'the checkpoint has no map root line');
  }
  try {
    return verifyMapProof(mapKey(handle), proof, checkpoint.mapRoot);
  } catch (err) {
    throw new KeyshareIntegrityError('map_proof_failed', (err as Error).message);
  }
}

/**
 * Checks a record answer: checkpoint signature (pinned key), record shape and signature, handle, the
 * inclusion proof of the record's leaf against the checkpoint root, and the map proof that this leaf
 * is the handle's current one under the checkpoint's map root (docs/keyshare.md §Map). Consistency
 * with earlier checkpoints is checked by the caller (LogView).
 */
export function verifyRecordAnswer(
  answer: RecordAnswer,
  verifier: NoteVerifier,
  handle: string,
): VerifiedRecord {
  const checkpoint = verifyCheckpointNote(answer.checkpoint, verifier);
  let record: SignedKeyRecord;
  try {
    record = recordFromJson(answer.record);
  } catch (err) {
    throw new KeyshareIntegrityError('record_invalid', (err as Error).message);
  }
  if (record.handle !== handle) throw new KeyshareIntegrityError('handle_mismatch');
  if (!verifyRecordSignature(record))
    throw new KeyshareIntegrityError('record_invalid', 'record signature fails');
  const leafHash = recordLeafHash(record);
  try {
    verifyInclusion(answer.leafIndex, checkpoint.size, leafHash, answer.inclusionProof, checkpoint.rootHash);
  } catch (err) {
    throw new KeyshareIntegrityError('inclusion_failed', (err as Error).message);
  }
  const current = lookUpMap(checkpoint, handle, answer.mapProof);
  if (!current.present) {
    throw new KeyshareIntegrityError('record_superseded', `the map has no entry for ${handle}`);
  }
  if (current.value.leafIndex !== answer.leafIndex || !bytesEqual(current.value.leafHash, leafHash)) {
    throw new KeyshareIntegrityError(
      'record_superseded',
      `the map says leaf ${current.value.leafIndex} is ${handle}'s current record, not leaf ${answer.leafIndex}`,
    );
  }
  return { record, leafIndex: answer.leafIndex, checkpoint };
}

/**
 * Checks a "not found" answer: checkpoint signature, and the map proof that `handle` has no entry
 * under the checkpoint's map root. A proof that shows an entry is `absence_unproven`.
 */
export function verifyAbsenceAnswer(
  answer: AbsenceAnswer,
  verifier: NoteVerifier,
  handle: string,
): SignedCheckpoint {
  const checkpoint = verifyCheckpointNote(answer.checkpoint, verifier);
  if (lookUpMap(checkpoint, handle, answer.mapProof).present) {
    throw new KeyshareIntegrityError('absence_unproven', `the map proof shows an entry for ${handle}`);
  }
  return checkpoint;
}
