/**
 * The one base of every typed error of @sealpeer/client: a stable string `code` for programs, a
 * `message` for humans. Every class and code is listed in CLIENT_ERROR_REGISTRY (src/errors/registry.ts).
 */
export class CodedError<C extends string> extends Error {
  readonly code: C;
  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Error codes raised by the primitive wrappers in src/crypto. */
export type CryptoErrorCode =
  | 'not_ready' // ready() was not awaited before a primitive was used
  | 'bad_length' // a key, nonce, scalar or point has the wrong length
  | 'bad_key' // a DH output was all-zero (low-order or zero public key) or a key is unusable
  | 'decrypt_failed'; // AEAD tag did not verify (wrong key, nonce, associated data or tampered data)

/** Typed error of the crypto layer. */
export class CryptoError extends CodedError<CryptoErrorCode> {
  override readonly name = 'CryptoError';
}
