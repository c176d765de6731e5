import { CodedError } from '../crypto/errors.ts';

/**
 * Error codes of the CPace layer.
 * - bad_input: a local argument (PRS, CI, sid, AD, role, label, scalar) is missing or malformed
 * - bad_message: the peer's message is not exactly lv_cat(Y, AD) (truncated, trailing bytes, oversize),
 *   or carries our own Y reflected back
 * - invalid_point: the peer's Y is not a canonical ristretto255 encoding (draft-irtf-cfrg-cpace §6.2
 *   scalar_mult_vfy fails), or it is the identity element
 * - bad_state: finish() called twice, or after a failure
 */
export type CpaceErrorCode = 'bad_input' | 'bad_message' | 'invalid_point' | 'bad_state';

export class CpaceError extends CodedError<CpaceErrorCode> {
  override readonly name = 'CpaceError';
}
