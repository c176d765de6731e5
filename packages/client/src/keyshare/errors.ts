import { CodedError } from '../crypto/errors.ts';

/** The client's one base of coded errors (crypto/errors.ts), re-exported for keyshare errors. */
export { CodedError };

// Errors raised by the keyshare client. Every error carries a stable string code, listed in
// docs/errors.md §Keyshare (a test checks the registry against it).

/** Why a keyshare answer was rejected. When one is thrown, the key in that answer must not be used. */
export const KEYSHARE_INTEGRITY_REASONS = {
  response_malformed: 'the keyshare answer does not have the documented shape',
  checkpoint_invalid: 'the checkpoint is malformed or not signed by the pinned log key',
  record_invalid: 'the record is malformed or its signature does not verify',
  handle_mismatch: 'the record is for another handle than the one asked for',
  inclusion_failed: 'the inclusion proof does not lead to the checkpoint root',
  consistency_failed: 'the log is not an append-only extension of the checkpoint seen before',
  checkpoint_rollback: 'the log shows an older tree than one already seen (rollback)',
  fork_detected: 'two checkpoints of the same size have different roots (forked log)',
  split_view: "a peer's checkpoint is inconsistent with ours: the log shows different views",
  state_invalid: 'the stored checkpoint is not a valid checkpoint of the pinned log',
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

/** Client-side codes that are not integrity reasons. */
export const KEYSHARE_CLIENT_CODES = {
  keyshare_integrity: 'an answer failed verification; see the reason',
  network_error: 'the keyshare could not be reached',
  http_error: 'the keyshare answered an HTTP error without a documented error body',
  not_own_key: 'the signer does not hold the current identity key of the handle',
} as const;
