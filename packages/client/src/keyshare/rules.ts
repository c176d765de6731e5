// The handle state machine (docs/keyshare.md §Rules): which record may follow which. Shared by the
// keyshare service (to accept or refuse a publish) and by monitors (to audit every leaf of a log).
//   (none) --claim--> active --rotate--> active --revoke--> revoked (terminal: nothing follows)
import { bytesEqual } from './encoding.ts';
import {
  recordLeafHash,
  type SignedKeyRecord,
  verifyRecordPrevSignature,
  verifyRecordSignature,
  ZERO_HASH,
} from './record.ts';

export type TransitionRefusal =
  | 'handle_taken'
  | 'handle_unknown'
  | 'handle_revoked'
  | 'stale_record'
  | 'bad_sequence'
  | 'bad_prev'
  | 'bad_signature'
  | 'not_signed_by_current_key'
  | 'identity_key_changed'
  | 'bad_timestamps';

export type TransitionResult = { ok: true } | { ok: false; code: TransitionRefusal; message: string };

const refuse = (code: TransitionRefusal, message: string): TransitionResult => ({ ok: false, code, message });

/**
 * Checks whether `next` may follow `current` (the handle's latest logged record, or null).
 * Signatures are checked last so that a stranger's replay learns nothing more than its refusal code.
 */
export function checkTransition(current: SignedKeyRecord | null, next: SignedKeyRecord): TransitionResult {
  if (next.expiresAt !== null && next.expiresAt <= next.createdAt) {
    return refuse('bad_timestamps', 'expiresAt must be after createdAt');
  }
  if (current === null) {
    if (next.kind !== 'claim')
      return refuse('handle_unknown', 'the first record of a handle must be a claim');
    if (next.seq !== 0 || !bytesEqual(next.prev, ZERO_HASH)) {
      return refuse('bad_sequence', 'a claim has seq 0 and an all-zero prev');
    }
  } else {
    if (current.handle !== next.handle) return refuse('bad_prev', 'records belong to different handles');
    if (current.kind === 'revoke') return refuse('handle_revoked', 'the handle was revoked');
    if (next.kind === 'claim') return refuse('handle_taken', 'the handle is already claimed');
    if (next.seq <= current.seq) return refuse('stale_record', 'a newer record for this handle is logged');
    if (next.seq !== current.seq + 1) return refuse('bad_sequence', 'seq must be the current seq + 1');
    if (!bytesEqual(next.prev, recordLeafHash(current))) {
      return refuse('bad_prev', 'prev must be the leaf hash of the current record');
    }
    if (next.createdAt < current.createdAt) return refuse('bad_timestamps', 'createdAt went backwards');
    if (next.kind === 'revoke' && !bytesEqual(next.identityKey, current.identityKey)) {
      return refuse('identity_key_changed', 'a revocation is signed by the current identity key');
    }
    if (next.kind === 'rotate' && !verifyRecordPrevSignature(next, current.identityKey)) {
      return refuse('not_signed_by_current_key', 'a rotation must be signed by the current identity key');
    }
  }
  if (!verifyRecordSignature(next)) return refuse('bad_signature', 'the record signature does not verify');
  return { ok: true };
}
