// Wycheproof vectors through the SAME wrappers the Noise, CPace and identity code uses (src/crypto).
// Every test of every group runs and is counted; a suite fails if it ran zero tests.
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/crypto/bytes.ts';
import { hkdf, hmac, SHA256 } from '../../src/crypto/hash.ts';
import {
  chacha20poly1305Decrypt,
  chacha20poly1305Encrypt,
  ed25519Verify,
  ready,
  x25519,
  xchacha20poly1305Decrypt,
  xchacha20poly1305Encrypt,
} from '../../src/crypto/sodium.ts';
import { codeOf } from './error-code.ts';
import { Tally, type WycheproofTest, wycheproofTests } from './wycheproof.ts';

beforeAll(async () => {
  await ready();
});

describe('Wycheproof x25519 (x25519_test.json)', () => {
  it('valid: exact shared secret; acceptable: exact, or refused with bad_key when the secret is all-zero', () => {
    // Policy for `acceptable` (RFC 7748 leaves it to the implementation):
    //  - shared secret all-zero (ZeroSharedSecret / LowOrderPublic): MUST be refused with `bad_key`
    //    (RFC 7748 §6.1 check; Noise DH and CPace-free key agreement never use a zero secret).
    //  - anything else (Twist, NonCanonicalPublic, EdgeCase...): MUST give exactly the listed secret,
    //    as RFC 7748 §5 defines it; libsodium computes these.
    const tally = new Tally('wycheproof x25519');
    let refused = 0;
    for (const t of wycheproofTests('x25519_test.json')) {
      tally.add(t.result);
      const shared = t.bytes('shared');
      const run = () => x25519(t.bytes('private'), t.bytes('public'));
      if (t.result === 'invalid') {
        expect(codeOf(run), `tc ${t.tcId}`).toMatch(/^(bad_key|bad_length)$/);
      } else if (shared.every((b) => b === 0)) {
        expect(t.result, `tc ${t.tcId}`).toBe('acceptable');
        expect(codeOf(run), `tc ${t.tcId}`).toBe('bad_key');
        refused++;
      } else {
        expect(toHex(run()), `tc ${t.tcId}`).toBe(toHex(shared));
      }
    }
    tally.print(`, ${refused} all-zero secrets refused`);
    expect(tally.total).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});

type Aead = {
  file: string;
  nonceLen: number;
  enc: typeof chacha20poly1305Encrypt;
  dec: typeof chacha20poly1305Decrypt;
};
const AEADS: Aead[] = [
  {
    file: 'chacha20_poly1305_test.json',
    nonceLen: 12,
    enc: chacha20poly1305Encrypt,
    dec: chacha20poly1305Decrypt,
  },
  {
    file: 'xchacha20_poly1305_test.json',
    nonceLen: 24,
    enc: xchacha20poly1305Encrypt,
    dec: xchacha20poly1305Decrypt,
  },
];

function aeadCase(a: Aead, t: WycheproofTest): void {
  const key = t.bytes('key');
  const iv = t.bytes('iv');
  const aad = t.bytes('aad');
  const msg = t.bytes('msg');
  const sealed = new Uint8Array([...t.bytes('ct'), ...t.bytes('tag')]);
  if (t.result === 'valid') {
    expect(toHex(a.enc(key, iv, aad, msg)), `tc ${t.tcId}`).toBe(toHex(sealed));
    expect(toHex(a.dec(key, iv, aad, sealed)), `tc ${t.tcId}`).toBe(toHex(msg));
    return;
  }
  // invalid (there are no `acceptable` AEAD tests; any would be treated as invalid): opening must fail,
  // either with decrypt_failed (bad tag) or bad_length (a nonce size this construction does not have).
  const code = codeOf(() => a.dec(key, iv, aad, sealed));
  expect(code, `tc ${t.tcId}`).toMatch(/^(decrypt_failed|bad_length)$/);
  if (iv.length !== a.nonceLen) expect(code).toBe('bad_length');
}

describe.each(AEADS)('Wycheproof $file', (a) => {
  it('valid seal/open exactly; invalid refused', () => {
    const tally = new Tally(`wycheproof ${a.file}`);
    let badNonce = 0;
    for (const t of wycheproofTests(a.file)) {
      tally.add(t.result);
      expect(t.result, `tc ${t.tcId}`).not.toBe('acceptable');
      if (t.bytes('iv').length !== a.nonceLen) badNonce++;
      aeadCase(a, t);
    }
    tally.print(` (${badNonce} with a nonce size the construction refuses)`);
    expect(tally.counts.valid).toBeGreaterThan(0);
    expect(tally.counts.invalid).toBeGreaterThan(0);
  });
});

describe('Wycheproof HMAC-SHA256 and HKDF-SHA256 (the HMAC/HKDF construction Noise uses)', () => {
  it('hmac_sha256_test.json: valid tags match (truncated to tagSize), invalid ones do not', () => {
    const tally = new Tally('wycheproof hmac_sha256');
    for (const t of wycheproofTests('hmac_sha256_test.json')) {
      tally.add(t.result);
      const tagBytes = Number(t.group.tagSize) / 8;
      const mac = hmac(SHA256, t.bytes('key'), t.bytes('msg')).slice(0, tagBytes);
      const same = toHex(mac) === toHex(t.bytes('tag'));
      expect(same, `tc ${t.tcId}`).toBe(t.result === 'valid');
    }
    tally.print();
    expect(tally.total).toBeGreaterThan(0);
  });

  it('hkdf_sha256_test.json: valid outputs match; invalid (oversize) requests are refused', () => {
    const tally = new Tally('wycheproof hkdf_sha256');
    for (const t of wycheproofTests('hkdf_sha256_test.json')) {
      tally.add(t.result);
      const run = () => hkdf(SHA256, t.bytes('ikm'), t.bytes('salt'), t.bytes('info'), t.num('size'));
      if (t.result === 'valid') expect(toHex(run()), `tc ${t.tcId}`).toBe(toHex(t.bytes('okm')));
      else expect(codeOf(run), `tc ${t.tcId}`).toBe('bad_length');
    }
    tally.print();
    expect(tally.total).toBeGreaterThan(0);
  });
});

describe('Wycheproof Ed25519 (ed25519_test.json) through ed25519Verify', () => {
  it('valid signatures verify, invalid ones never do', () => {
    const tally = new Tally('wycheproof ed25519');
    for (const t of wycheproofTests('ed25519_test.json')) {
      tally.add(t.result);
      const pk = t.group.publicKey as { pk?: unknown } | undefined;
      if (typeof pk?.pk !== 'string') throw new Error('ed25519 group without pk');
      const pub = fromHex(pk.pk);
      expect(ed25519Verify(t.bytes('sig'), t.bytes('msg'), pub), `tc ${t.tcId}`).toBe(t.result === 'valid');
    }
    tally.print();
    expect(tally.total).toBeGreaterThan(0);
  });
});
