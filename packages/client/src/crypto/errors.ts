/** Error codes raised by the primitive wrappers in src/crypto. */
export type CryptoErrorCode =
  | 'not_ready' // ready() was not awaited before a primitive was used
  | 'bad_length' // a key, nonce, scalar or point has the wrong length
  | 'bad_key' // a DH output was all-zero (low-order or zero public key) or a key is unusable
  | 'decrypt_failed'; // AEAD tag did not verify (wrong key, nonce, associated data or tampered data)

/** Typed error of the crypto layer; `code` is stable and documented, `message` is for humans. */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  readonly code: CryptoErrorCode;
  constructor(code: CryptoErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
