// The one registry of @sealpeer/keyshare error codes (HTTP status + meaning). docs/errors.md §Keyshare
// lists exactly these; test/errors-registry.test.ts checks both ways.
export const ERROR_CODES = {
  // Request shape
  invalid_request: [400, 'the request does not match the route schema (body, params or query)'],
  malformed_json: [400, 'the body is not valid JSON'],
  record_malformed: [400, 'the record fields are malformed (see message)'],
  handle_invalid: [400, 'the handle does not match [a-z0-9._-]{3,64}'],
  bad_timestamps: [400, 'expiresAt is not after createdAt, or createdAt went backwards'],
  clock_skew: [400, "createdAt is too far from the keyshare's clock"],
  bad_range: [400, 'the requested tree sizes or leaf range are outside the log'],
  body_too_large: [413, 'the body exceeds the body limit'],
  unsupported_media_type: [415, 'the body is not application/json'],
  // Publish refusals (nothing is stored)
  bad_signature: [403, 'the record signature does not verify under its identity key'],
  not_signed_by_current_key: [403, "a rotation is not signed by the handle's current identity key"],
  identity_key_changed: [403, 'a revocation must carry and be signed by the current identity key'],
  handle_taken: [409, 'the handle is already claimed (by this or another key)'],
  handle_unknown: [409, 'a rotation or revocation for a handle that was never claimed'],
  handle_revoked: [409, 'the handle was revoked; nothing can follow a revocation'],
  stale_record: [409, 'a record with this or a later seq is already logged (replay)'],
  bad_sequence: [409, 'seq is not the current seq + 1 (or a claim with seq != 0 / prev != 0)'],
  bad_prev: [409, 'prev is not the leaf hash of the handle\u2019s current record'],
  // Lookups
  not_found: [404, 'no record for this handle, or no such route'],
  // Witness (C2SP tlog-witness add-checkpoint; `sealpeer-keyshare witness`)
  unknown_log: [404, 'witness: the checkpoint origin is not a log this witness is configured for'],
  log_signature_invalid: [403, 'witness: no valid signature by the key the witness trusts for the log'],
  old_size_mismatch: [
    409,
    'witness: old size is not the size of the latest checkpoint it cosigned for the log (body: that size, text/x.tlog.size)',
  ],
  inconsistent_checkpoint: [
    422,
    'witness: not provably an append-only extension of the last cosigned checkpoint (bad proof, fork, bad empty root); not cosigned',
  ],
  // Limits and server state
  rate_limited: [429, 'too many requests from this address; retry after the Retry-After seconds'],
  unavailable: [503, 'the keyshare is shutting down or its log is in a failed state'],
  internal_error: [500, 'unexpected server error (logged)'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  constructor(code: ErrorCode, message?: string) {
    super(message ?? ERROR_CODES[code][1]);
    this.name = 'ApiError';
    this.code = code;
    this.status = ERROR_CODES[code][0];
  }
}
