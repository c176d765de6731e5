import { CodedError } from '../crypto/errors.ts';

/**
 * Error codes of the Noise layer (docs/errors.md lists them with the rest of the client's codes).
 * - bad_protocol: the protocol name or pattern is not supported
 * - missing_key: a key the pattern needs (s, rs, psk) was not supplied
 * - bad_key: a supplied key has the wrong size or does not match, or a DH output was all-zero
 * - bad_message: a handshake message is truncated, oversized or otherwise malformed
 * - decrypt_failed: an AEAD tag did not verify (tampering, wrong key or psk, replay into a new state)
 * - message_too_long: a message to write would exceed the Noise maximum of 65535 bytes (§3)
 * - nonce_exhausted: a CipherState used up its 2^64-1 nonces (§5.1)
 * - bad_state: a call in the wrong order, or any call on a HandshakeState that already failed
 */
export type NoiseErrorCode =
  | 'bad_protocol'
  | 'missing_key'
  | 'bad_key'
  | 'bad_message'
  | 'decrypt_failed'
  | 'message_too_long'
  | 'nonce_exhausted'
  | 'bad_state';

export class NoiseError extends CodedError<NoiseErrorCode> {
  override readonly name = 'NoiseError';
}
