import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../src/crypto/bytes.ts';
import { ready } from '../../src/crypto/sodium.ts';
import {
  decodePublicIdentity,
  encodePublicIdentity,
  Identity,
  MemoryIdentityStore,
  toBase64Url,
} from '../../src/identity/index.ts';
import { codeOf } from '../crypto/error-code.ts';

await ready();

describe('Identity', () => {
  it('generates distinct identities with a 65-byte public layout and working signatures', () => {
    const a = Identity.generate();
    const b = Identity.generate();
    expect(toHex(a.publicKey)).not.toBe(toHex(b.publicKey));
    expect(a.publicKey).toHaveLength(65);
    expect(a.publicKey[0]).toBe(1);
    expect(toHex(a.publicKey.slice(33))).toBe(toHex(a.staticKeyPair.publicKey));
    const sig = a.sign(utf8('hello'));
    expect(Identity.verify(a.publicIdentity, utf8('hello'), sig)).toBe(true);
    expect(Identity.verify(b.publicIdentity, utf8('hello'), sig)).toBe(false);
  });

  it('export -> import restores the same keys, and JSON.stringify never shows secrets', () => {
    const a = Identity.generate(new Date('2026-01-02T03:04:05Z'));
    const text = a.export();
    const b = Identity.import(text);
    expect(toHex(b.publicKey)).toBe(toHex(a.publicKey));
    expect(toHex(b.staticKeyPair.privateKey)).toBe(toHex(a.staticKeyPair.privateKey));
    expect(b.createdAt.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(Identity.verify(a.publicIdentity, utf8('m'), b.sign(utf8('m')))).toBe(true);
    expect(toHex(Identity.import(a.exportBytes()).publicKey)).toBe(toHex(a.publicKey));
    expect(toHex(Identity.import(JSON.parse(text)).publicKey)).toBe(toHex(a.publicKey));
    const shown = JSON.stringify({ identity: a });
    const e = JSON.parse(text) as Record<string, string>;
    expect(shown).not.toContain(e.ed25519Seed);
    expect(shown).not.toContain(e.x25519Private);
  });

  it('loadOrCreate generates once and then keeps loading the same identity', async () => {
    const store = new MemoryIdentityStore();
    expect(await Identity.load(store)).toBeUndefined();
    const a = await Identity.loadOrCreate(store);
    expect(toHex((await Identity.load(store))!.publicKey)).toBe(toHex(a.publicKey));
    const b = await Identity.loadOrCreate(store);
    expect(toHex(b.publicKey)).toBe(toHex(a.publicKey));
  });
});

describe('Identity.import refuses malformed exports', () => {
  const good = () => JSON.parse(Identity.generate().export()) as Record<string, unknown>;
  const other = Identity.generate();
  const cases: Array<[string, () => unknown, string]> = [
    ['not JSON', () => '{"format":', 'bad_format'],
    ['JSON array', () => '[]', 'bad_format'],
    ['null', () => null, 'bad_format'],
    ['number', () => 42, 'bad_format'],
    ['oversize text', () => ' '.repeat(5000), 'bad_format'],
    ['other format', () => ({ ...good(), format: 'signal-identity' }), 'bad_format'],
    ['version 2', () => ({ ...good(), version: 2 }), 'unsupported_version'],
    ['version as text', () => ({ ...good(), version: '1' }), 'bad_format'],
    ['extra member', () => ({ ...good(), note: 'x' }), 'bad_format'],
    ['missing member', () => ({ ...good(), createdAt: undefined }), 'bad_format'],
    ['seed not a string', () => ({ ...good(), ed25519Seed: 7 }), 'bad_format'],
    ['seed with padding', () => ({ ...good(), ed25519Seed: `${good().ed25519Seed}=` }), 'bad_format'],
    ['seed with + and /', () => ({ ...good(), ed25519Seed: 'ab+/'.repeat(11) }), 'bad_format'],
    [
      'seed too short',
      () => ({ ...good(), ed25519Seed: toBase64Url(new Uint8Array(31).fill(1)) }),
      'bad_key',
    ],
    [
      'x25519 too long',
      () => ({ ...good(), x25519Private: toBase64Url(new Uint8Array(33).fill(1)) }),
      'bad_key',
    ],
    ['all-zero seed', () => ({ ...good(), ed25519Seed: toBase64Url(new Uint8Array(32)) }), 'bad_key'],
    [
      'publicKey of another identity',
      () => ({ ...good(), publicKey: toBase64Url(other.publicKey) }),
      'bad_key',
    ],
    [
      'publicKey wrong version',
      () => ({ ...good(), publicKey: toBase64Url(new Uint8Array(65).fill(2)) }),
      'unsupported_version',
    ],
    ['createdAt not a date', () => ({ ...good(), createdAt: 'yesterday' }), 'bad_format'],
    [
      'non-canonical base64url',
      () => ({ ...good(), x25519Private: `${String(good().x25519Private).slice(0, 42)}B` }),
      'bad_format',
    ],
  ];
  it.each(cases)('%s', (_name, input, code) => {
    expect(codeOf(() => Identity.import(input()))).toBe(code);
  });
});

describe('public identity layout', () => {
  it('round-trips and refuses wrong versions, lengths and invalid Ed25519 points', () => {
    const p = Identity.generate().publicIdentity;
    const enc = encodePublicIdentity(p);
    expect(toHex(encodePublicIdentity(decodePublicIdentity(enc)))).toBe(toHex(enc));
    expect(codeOf(() => decodePublicIdentity(enc.slice(0, 64)))).toBe('bad_format');
    expect(codeOf(() => decodePublicIdentity(new Uint8Array([...enc, 0])))).toBe('bad_format');
    expect(codeOf(() => decodePublicIdentity(new Uint8Array(0)))).toBe('bad_format');
    const v2 = enc.slice();
    v2[0] = 2;
    expect(codeOf(() => decodePublicIdentity(v2))).toBe('unsupported_version');
    // The identity point (small order) and a non-point are refused.
    const identityPoint = new Uint8Array(32);
    identityPoint[0] = 1;
    expect(codeOf(() => encodePublicIdentity({ ...p, ed25519: identityPoint }))).toBe('bad_key');
    expect(codeOf(() => encodePublicIdentity({ ...p, ed25519: new Uint8Array(32).fill(0xff) }))).toBe(
      'bad_key',
    );
    expect(codeOf(() => encodePublicIdentity({ ...p, x25519: new Uint8Array(32) }))).toBe('bad_key');
    expect(codeOf(() => encodePublicIdentity({ ...p, x25519: new Uint8Array(31) }))).toBe('bad_key');
  });
});
