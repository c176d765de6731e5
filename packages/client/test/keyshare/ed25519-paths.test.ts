// The keyshare's Ed25519 verification (note.ts) has two paths: libsodium's crypto_sign_verify_detached
// once libsodium is initialised (KeyshareClient, the service and the monitor await it), and strict
// @noble/curves before (the service worker's release check). Both must accept exactly the valid
// signatures of Wycheproof's ed25519_test.json, and so must the dispatcher once libsodium is ready.
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../src/crypto/bytes.ts';
import { ready } from '../../src/crypto/sodium.ts';
import { ed25519Verify, ed25519VerifyJs, ed25519VerifySodium } from '../../src/keyshare/note.ts';
import { Tally, wycheproofTests } from '../crypto/wycheproof.ts';

beforeAll(async () => {
  await ready();
});

describe('keyshare Ed25519 verification paths against Wycheproof ed25519_test.json', () => {
  for (const [name, verify] of [
    ['libsodium (crypto_sign_verify_detached)', ed25519VerifySodium],
    ['@noble/curves strict', ed25519VerifyJs],
    ['ed25519Verify (dispatcher, libsodium ready)', ed25519Verify],
  ] as const) {
    it(`${name}: valid signatures verify, invalid ones never do`, () => {
      const tally = new Tally(`wycheproof ed25519 via keyshare ${name}`);
      for (const t of wycheproofTests('ed25519_test.json')) {
        tally.add(t.result);
        const pk = t.group.publicKey as { pk?: unknown } | undefined;
        if (typeof pk?.pk !== 'string') throw new Error('ed25519 group without pk');
        expect(verify(t.bytes('sig'), t.bytes('msg'), fromHex(pk.pk)), `tc ${t.tcId}`).toBe(
          t.result === 'valid',
        );
      }
      tally.print();
      expect(tally.total).toBeGreaterThan(100);
    });
  }
});
