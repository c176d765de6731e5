// Hash functions behind one small interface, plus HMAC (RFC 2104) and HKDF (RFC 5869) built on it.
// BLAKE2b and SHA-512 come from libsodium; SHA-256 from @noble/hashes (libsodium-wrappers' standard build
// has no SHA-256). HMAC and HKDF are the generic constructions the Noise spec (§4.3) defines over HASH;
// test/crypto checks them against Wycheproof HMAC-SHA256 / HKDF-SHA256 and @noble/hashes' HMAC-BLAKE2b.
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from './bytes.ts';
import { CryptoError } from './errors.ts';
import { blake2b, sodium } from './sodium.ts';

export interface HashFunction {
  /** Name as it appears in a Noise protocol name. */
  readonly name: 'BLAKE2b' | 'SHA256' | 'SHA512';
  /** Output length in bytes (Noise HASHLEN). */
  readonly outputLen: number;
  /** Block length in bytes (Noise BLOCKLEN, HMAC's B). */
  readonly blockLen: number;
  /** Hash of the concatenation of `parts`. */
  digest(...parts: Uint8Array[]): Uint8Array;
}

interface IncrementalHash {
  update(b: Uint8Array): unknown;
  digest(): Uint8Array;
}

function nobleDigest(create: () => IncrementalHash, parts: Uint8Array[]): Uint8Array {
  const st = create();
  for (const p of parts) st.update(p);
  return st.digest();
}

/** BLAKE2b-512 (RFC 7693) via libsodium. */
export const BLAKE2b: HashFunction = {
  name: 'BLAKE2b',
  outputLen: 64,
  blockLen: 128,
  digest: (...parts) => blake2b(parts, 64),
};

/** SHA-256 (FIPS 180-4) via @noble/hashes. */
export const SHA256: HashFunction = {
  name: 'SHA256',
  outputLen: 32,
  blockLen: 64,
  digest: (...parts) => nobleDigest(() => sha256.create(), parts),
};

/** SHA-512 (FIPS 180-4) via libsodium's crypto_hash (which is SHA-512). */
export const SHA512: HashFunction = {
  name: 'SHA512',
  outputLen: 64,
  blockLen: 128,
  digest: (...parts) => sodium().crypto_hash(parts.length === 1 ? parts[0]! : concatBytes(...parts)),
};

/** HMAC (RFC 2104 §2) over `hash`. */
export function hmac(hash: HashFunction, key: Uint8Array, ...data: Uint8Array[]): Uint8Array {
  const k = new Uint8Array(hash.blockLen);
  k.set(key.length > hash.blockLen ? hash.digest(key) : key);
  const ipad = k.map((x) => x ^ 0x36);
  const opad = k.map((x) => x ^ 0x5c);
  return hash.digest(opad, hash.digest(ipad, ...data));
}

/** HKDF (RFC 5869 §2.2 extract + §2.3 expand) over `hash`, `length` bytes of output. */
export function hkdf(
  hash: HashFunction,
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 255 * hash.outputLen)
    throw new CryptoError('bad_length', `HKDF output length must be 0..${255 * hash.outputLen}`);
  const prk = hmac(hash, salt.length > 0 ? salt : new Uint8Array(hash.outputLen), ikm);
  const blocks: Uint8Array[] = [];
  let t: Uint8Array = new Uint8Array(0);
  for (let i = 1, got = 0; got < length; i++) {
    t = hmac(hash, prk, t, info, new Uint8Array([i]));
    blocks.push(t);
    got += t.length;
  }
  return concatBytes(...blocks).slice(0, length);
}
