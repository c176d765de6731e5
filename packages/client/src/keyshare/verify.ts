// Pure checks of keyshare answers against the pinned log key (no I/O).
import type { RecordAnswer } from './api.ts';
import { openCheckpoint, type SignedCheckpoint } from './checkpoint.ts';
import { KeyshareIntegrityError } from './errors.ts';
import { verifyInclusion } from './merkle.ts';
import type { NoteVerifier } from './note.ts';
import { recordFromJson, recordLeafHash, type SignedKeyRecord, verifyRecordSignature } from './record.ts';

/** Verifies a checkpoint note; any failure is KeyshareIntegrityError('checkpoint_invalid'). */
export function verifyCheckpointNote(note: string, verifier: NoteVerifier): SignedCheckpoint {
  try {
    return openCheckpoint(note, verifier);
  } catch (err) {
    throw new KeyshareIntegrityError('checkpoint_invalid', (err as Error).message);
  }
}

export interface VerifiedRecord {
  readonly record: SignedKeyRecord;
  readonly leafIndex: number;
  readonly checkpoint: SignedCheckpoint;
}

/**
 * Checks a record answer: checkpoint signature (pinned key), record shape and signature, handle, and
 * the inclusion proof of the record's leaf against the checkpoint root. Consistency with earlier
 * checkpoints is checked by the caller (LogView).
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
  try {
    verifyInclusion(
      answer.leafIndex,
      checkpoint.size,
      recordLeafHash(record),
      answer.inclusionProof,
      checkpoint.rootHash,
    );
  } catch (err) {
    throw new KeyshareIntegrityError('inclusion_failed', (err as Error).message);
  }
  return { record, leafIndex: answer.leafIndex, checkpoint };
}
