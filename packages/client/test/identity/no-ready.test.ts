// Issue 16: async readiness is internal. In a fresh module graph (this file's own worker) an application
// imports the package root and makes an identity at once, with no `await ready()` anywhere.
import { describe, expect, it } from 'vitest';

describe('Identity without ready()', () => {
  it('Identity.generate() works straight after importing @sealpeer/client', async () => {
    const { Identity } = await import('@sealpeer/client');
    const a = Identity.generate();
    const b = Identity.generate();
    expect(a.publicKey).toHaveLength(65); // version byte, Ed25519 and X25519 public keys
    expect(Buffer.from(a.publicKey).equals(Buffer.from(b.publicKey))).toBe(false);
    // And it round-trips through its export, which checks the keys against each other.
    expect(Buffer.from(Identity.import(a.export()).publicKey).equals(Buffer.from(a.publicKey))).toBe(true);
  });
});
