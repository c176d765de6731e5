export { concatBytes, fromHex, toHex, utf8 } from './bytes.ts';
export {
  CPACE_ERROR_CODES,
  CRYPTO_ERROR_CODES,
  IDENTITY_ERROR_CODES,
  NOISE_ERROR_CODES,
  TRUST_ERROR_CODES,
} from './error-codes.ts';
export { CodedError, CryptoError, type CryptoErrorCode } from './errors.ts';
export { BLAKE2b, type HashFunction, hkdf, hmac, SHA256, SHA512 } from './hash.ts';
export {
  blake2b,
  chacha20poly1305Decrypt,
  chacha20poly1305Encrypt,
  constantTimeEqual,
  ed25519KeyPair,
  ed25519KeyPairFromSeed,
  ed25519Sign,
  ed25519Verify,
  randomBytes,
  ready,
  type Sodium,
  sodium,
  x25519,
  x25519KeyPair,
  x25519PublicKey,
  xchacha20poly1305Decrypt,
  xchacha20poly1305Encrypt,
} from './sodium.ts';
