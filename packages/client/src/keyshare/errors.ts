import { CodedError } from '../crypto/errors.ts';
import type { MapErrorCode } from './map.ts';
import type { MerkleErrorCode } from './merkle.ts';
import type { NoteErrorCode } from './note.ts';

/** The client's one base of coded errors (crypto/errors.ts), re-exported for keyshare errors. */
export { CodedError };

// Errors raised by the keyshare client. Every error carries a stable string code, listed in
// docs/errors.md §Keyshare and §Client (the client's registry, src/errors/registry.ts, aggregates the
// tables below; tests check both sections against them).

/** Why a keyshare answer was rejected. When one is thrown, the key in that answer must not be used. */
export const KEYSHARE_INTEGRITY_REASONS = {
  response_malformed: 'the keyshare answer does not have the documented shape',
  checkpoint_invalid: 'the checkpoint is malformed or not signed by the pinned log key',
  record_invalid: 'the record is malformed or its signature does not verify',
  handle_mismatch: 'the record is for another handle than the one asked for',
  inclusion_failed: 'the inclusion proof does not lead to the checkpoint root',
  map_proof_failed:
    "the map proof is malformed, is not for this handle, or does not lead to the checkpoint's map root",
  record_superseded:
    "the map shows another leaf (or no entry) as the handle's current record: a superseded record",
  absence_unproven: '"not found" without a valid map proof that the handle is absent (e.g. a bare 404)',
  consistency_failed: 'the log is not an append-only extension of the checkpoint seen before',
  checkpoint_rollback: 'the log shows an older tree than one already seen (rollback)',
  fork_detected: 'two checkpoints of the same size have different roots (forked log)',
  split_view: "a peer's checkpoint is inconsistent with ours: the log shows different views",
  state_invalid: 'the stored checkpoint is not a valid checkpoint of the pinned log',
  cosignature_invalid: "a pinned witness's cosignature on the checkpoint does not verify",
} as const;

export type KeyshareIntegrityReason = keyof typeof KEYSHARE_INTEGRITY_REASONS;

export class KeyshareIntegrityError extends CodedError<'keyshare_integrity'> {
  override readonly name = 'KeyshareIntegrityError';
  readonly reason: KeyshareIntegrityReason;
  constructor(reason: KeyshareIntegrityReason, detail?: string) {
    super(
      'keyshare_integrity',
      `keyshare integrity failure (${reason}): ${detail ?? KEYSHARE_INTEGRITY_REASONS[reason]}`,
    );
    this.reason = reason;
  }
}

/**
 * Why a keyshare answer could not be verified although nothing in it is proven false (no red alarm:
 * a witness may be down or a proxy may have stripped lines). The key in that answer must not be used,
 * but this is "could not verify", never an integrity verdict (docs/errors.md §Keyshare).
 */
export const KEYSHARE_UNVERIFIED_REASONS = {
  witness_quorum:
    'the checkpoint lacks valid cosignatures from the required number (k of n) of pinned witnesses',
} as const;

export type KeyshareUnverifiedReason = keyof typeof KEYSHARE_UNVERIFIED_REASONS;

/** A refusal without proof of tampering: the answer is not used, and no alarm is raised. */
export class KeyshareUnverifiedError extends CodedError<'keyshare_unverified'> {
  override readonly name = 'KeyshareUnverifiedError';
  readonly reason: KeyshareUnverifiedReason;
  constructor(reason: KeyshareUnverifiedReason, detail?: string) {
    super(
      'keyshare_unverified',
      `keyshare answer could not be verified (${reason}): ${detail ?? KEYSHARE_UNVERIFIED_REASONS[reason]}`,
    );
    this.reason = reason;
  }
}

/** The keyshare refused a request (its error code, e.g. handle_taken) or could not be reached. */
export class KeyshareRequestError extends CodedError<string> {
  override readonly name = 'KeyshareRequestError';
  /** HTTP status of the refusal; 0 when no answer came (network_error) or the client refused. */
  readonly status: number;
  constructor(status: number, code: string, message: string) {
    super(code, message);
    this.status = status;
  }
}

/** The code of KeyshareIntegrityError. */
export const KEYSHARE_INTEGRITY_CODES = {
  keyshare_integrity: 'an answer failed verification; see the reason',
} as const;

/** The code of KeyshareUnverifiedError. */
export const KEYSHARE_UNVERIFIED_CODES = {
  keyshare_unverified: 'an answer could not be verified (no proof of tampering); see the reason',
} as const;

/** Codes KeyshareRequestError gets from the client itself; a refusal carries the service's code. */
export const KEYSHARE_REQUEST_CODES = {
  network_error: 'the keyshare could not be reached',
  http_error: 'the keyshare answered an HTTP error without a documented error body',
  not_own_key: 'the signer does not hold the current identity key of the handle',
} as const;

/** Client-side codes that are not integrity reasons. */
export const KEYSHARE_CLIENT_CODES = {
  ...KEYSHARE_INTEGRITY_CODES,
  ...KEYSHARE_UNVERIFIED_CODES,
  ...KEYSHARE_REQUEST_CODES,
} as const;

/** Codes of MerkleProofError (./merkle.ts, RFC 9162 §2.1.3.2 / §2.1.4.2 proof checks). */
export const MERKLE_ERROR_CODES: Record<MerkleErrorCode, string> = {
  bad_size: 'MerkleProofError: a tree size or leaf index is not a non-negative safe integer',
  index_out_of_range: 'MerkleProofError: the leaf index is not below the tree size',
  bad_hash_size: 'MerkleProofError: a leaf hash or proof hash is not 32 bytes',
  wrong_proof_size: 'MerkleProofError: the proof has another number of hashes than the sizes require',
  root_mismatch: 'MerkleProofError: the proof leads to another root than the expected one',
  size_order: 'MerkleProofError: a consistency proof from a larger tree to a smaller one',
  proof_not_empty: 'MerkleProofError: a consistency proof between equal sizes is not empty',
  empty_tree: 'MerkleProofError: a consistency proof from the empty tree',
  empty_proof: 'MerkleProofError: an empty consistency proof between different sizes',
};

/** Codes of MapProofError (./map.ts, the verifiable map's proofs, docs/keyshare.md §Map). */
export const MAP_ERROR_CODES: Record<MapErrorCode, string> = {
  map_proof_malformed: 'MapProofError: a map proof is malformed (sizes, or a leaf off the key path)',
  map_root_mismatch: 'MapProofError: the map proof leads to another root than the expected one',
};

/** Codes of NoteError (./note.ts and ./checkpoint.ts: C2SP signed-note and tlog-checkpoint). */
export const NOTE_ERROR_CODES: Record<NoteErrorCode, string> = {
  malformed_note: 'NoteError: a signed note or checkpoint is malformed (or has another origin)',
  bad_signature: 'NoteError: a signature by a known key does not verify',
  no_trusted_signature: 'NoteError: no signature on the note is by a trusted key',
  bad_key: 'NoteError: a verifier or signer key string is malformed or not Ed25519',
};

/** The code of RecordFormatError (./record.ts); the same code the keyshare service answers. */
export const RECORD_ERROR_CODES = {
  record_malformed: 'RecordFormatError: a record (leaf bytes or JSON) does not have the documented form',
} as const;
