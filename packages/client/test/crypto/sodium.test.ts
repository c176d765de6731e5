import { blake2b as nobleBlake2b } from '@noble/hashes/blake2.js';
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../../src/crypto/bytes.ts';
import { BLAKE2b, hkdf, hmac, SHA256 } from '../../src/crypto/hash.ts';
import {
  blake2b,
  chacha20poly1305Decrypt,
  chacha20poly1305Encrypt,
  constantTimeEqual,
  ed25519KeyPair,
  ed25519Sign,
  ed25519Verify,
  randomBytes,
  ready,
  sodium,
  x25519,
  x25519KeyPair,
} from '../../src/crypto/sodium.ts';
import { codeOf } from './error-code.ts';

describe('crypto/sodium', () => {
  // Runs first in this file (its own process): nothing has called ready() yet.
  it('refuses to run a primitive before ready() with not_ready', () => {
    expect(codeOf(() => sodium())).toBe('not_ready');
    expect(codeOf(() => randomBytes(8))).toBe('not_ready');
  });

  it('ready() initialises once and returns the same object', async () => {
    const a = await ready();
    const b = await ready();
    expect(a).toBe(b);
    expect(typeof a.crypto_scalarmult).toBe('function');
  });

  it('BLAKE2b matches @noble/hashes for several lengths, keyed and unkeyed, split or whole', async () => {
    await ready();
    for (const len of [0, 1, 63, 64, 127, 128, 129, 1000]) {
      const data = randomBytes(len);
      const half = Math.floor(len / 2);
      expect(toHex(blake2b([data.slice(0, half), data.slice(half)]))).toBe(toHex(nobleBlake2b(data)));
      const key = randomBytes(32);
      expect(toHex(blake2b([data], 32, key))).toBe(toHex(nobleBlake2b(data, { key, dkLen: 32 })));
    }
    expect(codeOf(() => blake2b([], 65))).toBe('bad_length');
    expect(codeOf(() => blake2b([], 32, new Uint8Array(8)))).toBe('bad_length');
  });

  it('HMAC-BLAKE2b (Noise §4.3) matches @noble/hashes hmac(blake2b), including keys longer than a block', async () => {
    await ready();
    for (const keyLen of [0, 32, 64, 128, 129, 300]) {
      const key = randomBytes(keyLen);
      const msg = randomBytes(77);
      expect(toHex(hmac(BLAKE2b, key, msg))).toBe(toHex(nobleHmac(nobleBlake2b, key, msg)));
    }
  });

  it('HKDF refuses more than 255 blocks of output', async () => {
    await ready();
    expect(
      codeOf(() => hkdf(SHA256, new Uint8Array(1), new Uint8Array(0), new Uint8Array(0), 255 * 32 + 1)),
    ).toBe('bad_length');
    expect(hkdf(SHA256, new Uint8Array(1), new Uint8Array(0), new Uint8Array(0), 255 * 32)).toHaveLength(
      8160,
    );
  });

  it('constantTimeEqual: equal, different content, different length, empty', async () => {
    await ready();
    const a = randomBytes(32);
    expect(constantTimeEqual(a, a.slice())).toBe(true);
    const b = a.slice();
    b[31]! ^= 1;
    expect(constantTimeEqual(a, b)).toBe(false);
    expect(constantTimeEqual(a, a.slice(0, 31))).toBe(false);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  it('X25519 agrees both ways and refuses wrong lengths and the all-zero / low-order public key', async () => {
    await ready();
    const a = x25519KeyPair();
    const b = x25519KeyPair();
    expect(toHex(x25519(a.privateKey, b.publicKey))).toBe(toHex(x25519(b.privateKey, a.publicKey)));
    expect(codeOf(() => x25519(a.privateKey, new Uint8Array(32)))).toBe('bad_key');
    // a point of order 8 (RFC 7748 / Wycheproof LowOrderPublic)
    const order8 = fromHex('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800');
    expect(codeOf(() => x25519(a.privateKey, order8))).toBe('bad_key');
    expect(codeOf(() => x25519(a.privateKey, new Uint8Array(31)))).toBe('bad_length');
    expect(codeOf(() => x25519(new Uint8Array(33), b.publicKey))).toBe('bad_length');
  });

  it('ChaCha20-Poly1305 refuses a flipped bit, a short ciphertext, wrong AD and wrong nonce size', async () => {
    await ready();
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const ad = utf8('header');
    const ct = chacha20poly1305Encrypt(key, nonce, ad, utf8('hello'));
    expect(new TextDecoder().decode(chacha20poly1305Decrypt(key, nonce, ad, ct))).toBe('hello');
    for (let i = 0; i < ct.length; i++) {
      const bad = ct.slice();
      bad[i]! ^= 0x01;
      expect(codeOf(() => chacha20poly1305Decrypt(key, nonce, ad, bad))).toBe('decrypt_failed');
    }
    expect(codeOf(() => chacha20poly1305Decrypt(key, nonce, ad, ct.slice(0, 15)))).toBe('decrypt_failed');
    expect(codeOf(() => chacha20poly1305Decrypt(key, nonce, utf8('headeR'), ct))).toBe('decrypt_failed');
    expect(codeOf(() => chacha20poly1305Decrypt(key, randomBytes(24), ad, ct))).toBe('bad_length');
    expect(codeOf(() => chacha20poly1305Encrypt(randomBytes(16), nonce, ad, ct))).toBe('bad_length');
  });

  it('Ed25519 sign/verify round-trips; a changed message or malformed key/signature does not verify', async () => {
    await ready();
    const kp = ed25519KeyPair();
    const sig = ed25519Sign(utf8('m'), kp.privateKey);
    expect(ed25519Verify(sig, utf8('m'), kp.publicKey)).toBe(true);
    expect(ed25519Verify(sig, utf8('n'), kp.publicKey)).toBe(false);
    expect(ed25519Verify(sig.slice(0, 63), utf8('m'), kp.publicKey)).toBe(false);
    expect(ed25519Verify(sig, utf8('m'), kp.publicKey.slice(1))).toBe(false);
  });

  it('fromHex refuses odd length and non-hex digits', () => {
    expect(() => fromHex('abc')).toThrow(TypeError);
    expect(() => fromHex('zz')).toThrow(TypeError);
    expect(toHex(fromHex('00FFa0'))).toBe('00ffa0');
  });
});

describe('SHA-512 via libsodium', () => {
  it('matches @noble/hashes over split and whole inputs', async () => {
    await ready();
    const { sha512 } = await import('@noble/hashes/sha2.js');
    const { SHA512 } = await import('../../src/crypto/hash.ts');
    for (const len of [0, 1, 111, 112, 127, 128, 129, 1000]) {
      const d = randomBytes(len);
      expect(toHex(SHA512.digest(d))).toBe(toHex(sha512(d)));
      expect(toHex(SHA512.digest(d.slice(0, 5), d.slice(5)))).toBe(toHex(sha512(d)));
    }
  });
});
