// Thin, typed wrappers over libsodium-wrappers. Every primitive the client uses (X25519,
// ChaCha20-Poly1305 IETF, XChaCha20-Poly1305 IETF, BLAKE2b, Ed25519, random bytes, constant-time compare)
// goes through this module, and the Wycheproof suites in test/crypto run through these same functions.
import libsodium from 'libsodium-wrappers';
import { CryptoError } from './errors.ts';

export type Sodium = typeof libsodium;

let loaded: Sodium | undefined;

/**
 * Initialises libsodium once (the WebAssembly module loads asynchronously) and returns it.
 * Call `await ready()` before any other function of the crypto, noise, cpace or identity modules.
 */
export async function ready(): Promise<Sodium> {
  if (!loaded) {
    await libsodium.ready;
    loaded = libsodium;
  }
  return loaded;
}

/** The initialised libsodium object; throws `not_ready` when `ready()` has not completed. */
export function sodium(): Sodium {
  if (!loaded) throw new CryptoError('not_ready', 'libsodium is not initialised: await ready() first');
  return loaded;
}

/** The initialised libsodium object, or undefined before `ready()` completed (never throws). */
export function sodiumIfReady(): Sodium | undefined {
  return loaded;
}

function checkLength(what: string, b: Uint8Array, len: number): void {
  if (!(b instanceof Uint8Array) || b.length !== len)
    throw new CryptoError('bad_length', `${what} must be ${len} bytes`);
}

export const X25519_KEY_BYTES = 32;
export const AEAD_KEY_BYTES = 32;
export const AEAD_TAG_BYTES = 16;
export const CHACHA_NONCE_BYTES = 12;
export const XCHACHA_NONCE_BYTES = 24;

/** An X25519 (or Ed25519) key pair. */
export interface KeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

/** Fresh X25519 key pair from libsodium's CSPRNG. */
export function x25519KeyPair(): KeyPair {
  const kp = sodium().crypto_box_keypair();
  return { publicKey: kp.publicKey, privateKey: kp.privateKey };
}

/** X25519 public key of a 32-byte private scalar (RFC 7748 §6.1, clamping done by libsodium). */
export function x25519PublicKey(privateKey: Uint8Array): Uint8Array {
  checkLength('X25519 private key', privateKey, X25519_KEY_BYTES);
  return sodium().crypto_scalarmult_base(privateKey);
}

/**
 * X25519(privateKey, publicKey) (RFC 7748 §5). An all-zero result — a low-order or zero public key,
 * RFC 7748 §6.1 — is refused with `bad_key` (libsodium refuses it; we translate its error).
 */
export function x25519(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  checkLength('X25519 private key', privateKey, X25519_KEY_BYTES);
  checkLength('X25519 public key', publicKey, X25519_KEY_BYTES);
  try {
    return sodium().crypto_scalarmult(privateKey, publicKey);
  } catch {
    throw new CryptoError('bad_key', 'X25519 produced the all-zero output (low-order public key)');
  }
}

type Seal = (pt: Uint8Array, ad: Uint8Array, nsec: null, nonce: Uint8Array, key: Uint8Array) => Uint8Array;
type Open = (nsec: null, ct: Uint8Array, ad: Uint8Array, nonce: Uint8Array, key: Uint8Array) => Uint8Array;

/** An IETF AEAD of libsodium with length checks and typed errors; returns/accepts ciphertext || tag. */
function aead(name: string, nonceLen: number, seal: () => Seal, open: () => Open) {
  const args = (key: Uint8Array, nonce: Uint8Array) => {
    checkLength(`${name} key`, key, AEAD_KEY_BYTES);
    checkLength(`${name} nonce`, nonce, nonceLen);
  };
  return {
    encrypt(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
      args(key, nonce);
      return seal()(plaintext, ad, null, nonce, key);
    },
    decrypt(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
      args(key, nonce);
      if (ciphertext.length < AEAD_TAG_BYTES) throw new CryptoError('decrypt_failed', 'ciphertext too short');
      try {
        return open()(null, ciphertext, ad, nonce, key);
      } catch {
        throw new CryptoError('decrypt_failed', `${name} authentication failed`);
      }
    },
  };
}

const chacha = aead(
  'ChaCha20-Poly1305',
  CHACHA_NONCE_BYTES,
  () => sodium().crypto_aead_chacha20poly1305_ietf_encrypt,
  () => sodium().crypto_aead_chacha20poly1305_ietf_decrypt,
);
const xchacha = aead(
  'XChaCha20-Poly1305',
  XCHACHA_NONCE_BYTES,
  () => sodium().crypto_aead_xchacha20poly1305_ietf_encrypt,
  () => sodium().crypto_aead_xchacha20poly1305_ietf_decrypt,
);

/** ChaCha20-Poly1305 IETF (RFC 8439 §2.8), 12-byte nonce: returns ciphertext || 16-byte tag. */
export const chacha20poly1305Encrypt = chacha.encrypt;
/** ChaCha20-Poly1305 IETF open; throws `decrypt_failed` when the tag does not verify. */
export const chacha20poly1305Decrypt = chacha.decrypt;
/** XChaCha20-Poly1305 IETF (draft-irtf-cfrg-xchacha), 24-byte nonce: returns ciphertext || tag. */
export const xchacha20poly1305Encrypt = xchacha.encrypt;
/** XChaCha20-Poly1305 IETF open; throws `decrypt_failed` when the tag does not verify. */
export const xchacha20poly1305Decrypt = xchacha.decrypt;

/**
 * BLAKE2b (RFC 7693) of the concatenation of `parts`, `outLen` bytes (1..64), optionally keyed
 * (key 16..64 bytes, libsodium's crypto_generichash limits).
 */
export function blake2b(parts: readonly Uint8Array[], outLen = 64, key?: Uint8Array): Uint8Array {
  const s = sodium();
  if (!Number.isInteger(outLen) || outLen < 1 || outLen > 64)
    throw new CryptoError('bad_length', 'BLAKE2b output length must be 1..64');
  if (key && (key.length < 16 || key.length > 64))
    throw new CryptoError('bad_length', 'BLAKE2b key must be 16..64 bytes');
  const st = s.crypto_generichash_init(key ?? null, outLen);
  for (const p of parts) s.crypto_generichash_update(st, p);
  return s.crypto_generichash_final(st, outLen);
}

/** `n` bytes from libsodium's CSPRNG. */
export function randomBytes(n: number): Uint8Array {
  return sodium().randombytes_buf(n);
}

/** Constant-time equality (sodium.memcmp); arrays of different lengths are unequal. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (a.length === 0) return true;
  return sodium().memcmp(a, b);
}

/** Fresh Ed25519 signing key pair (privateKey is libsodium's 64-byte seed || public key form). */
export function ed25519KeyPair(): KeyPair {
  const kp = sodium().crypto_sign_keypair();
  return { publicKey: kp.publicKey, privateKey: kp.privateKey };
}

/** Ed25519 key pair from a 32-byte seed. */
export function ed25519KeyPairFromSeed(seed: Uint8Array): KeyPair {
  checkLength('Ed25519 seed', seed, 32);
  const kp = sodium().crypto_sign_seed_keypair(seed);
  return { publicKey: kp.publicKey, privateKey: kp.privateKey };
}

/** Ed25519 signature (RFC 8032) of `message` with a 64-byte libsodium secret key. */
export function ed25519Sign(message: Uint8Array, privateKey: Uint8Array): Uint8Array {
  checkLength('Ed25519 private key', privateKey, 64);
  return sodium().crypto_sign_detached(message, privateKey);
}

/** Verifies an Ed25519 signature; false (never throws) for malformed signatures or keys. */
export function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return sodium().crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}
