// Record canonical bytes (docs/keyshare.md §Canonical bytes), leaf round trip, JSON validation and the
// handle rules.
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { ready } from '../../src/crypto/sodium.ts';
import { Identity } from '../../src/identity/index.ts';
import {
  ed25519RecordSigner,
  identityRecordKeys,
  type KeyRecord,
  parseRecordLeaf,
  RecordFormatError,
  recordFromJson,
  recordLeaf,
  recordLeafHash,
  recordSigningBytes,
  recordToJson,
  type SignedKeyRecord,
  verifyRecordSignature,
  ZERO_HASH,
} from '../../src/keyshare/record.ts';
import { checkTransition } from '../../src/keyshare/rules.ts';

const seed = (n: string) => sha256(new TextEncoder().encode(n));
const k1 = ed25519RecordSigner(seed('k1'));
const k2 = ed25519RecordSigner(seed('k2'));
const x = new Uint8Array(32).fill(0x58);

function sign(r: KeyRecord, s = k1, prev?: typeof k1): SignedKeyRecord {
  const b = recordSigningBytes(r);
  return {
    ...r,
    signature: s.sign(b) as Uint8Array,
    prevSignature: prev ? (prev.sign(b) as Uint8Array) : null,
  };
}

const claim: KeyRecord = {
  kind: 'claim',
  handle: 'alice',
  seq: 0,
  createdAt: 1_700_000_000_000,
  expiresAt: null,
  identityKey: k1.publicKey,
  x25519Key: x,
  prev: ZERO_HASH,
};

describe('record format', () => {
  it('canonical bytes follow the documented layout', () => {
    const b = recordSigningBytes({ ...claim, expiresAt: 1_700_000_100_000 });
    const label = new TextEncoder().encode('sealpeer/keyshare/record');
    expect(Buffer.from(b.subarray(0, label.length)).toString()).toBe('sealpeer/keyshare/record');
    let o = label.length;
    expect([...b.subarray(o, o + 4)]).toEqual([0x00, 0x01, 0x01, 5]);
    o += 4;
    expect(Buffer.from(b.subarray(o, o + 5)).toString()).toBe('alice');
    o += 5;
    const dv = new DataView(b.buffer, b.byteOffset);
    expect(dv.getBigUint64(o)).toBe(0n);
    expect(dv.getBigUint64(o + 8)).toBe(1_700_000_000_000n);
    expect(dv.getBigUint64(o + 16)).toBe(1_700_000_100_000n);
    o += 24;
    expect(Buffer.from(b.subarray(o, o + 32)).equals(Buffer.from(k1.publicKey))).toBe(true);
    expect(b.length).toBe(label.length + 4 + 5 + 24 + 96);
  });

  it('the signature verifies with plain @noble/curves over the canonical bytes', () => {
    const r = sign(claim);
    expect(ed25519.verify(r.signature, recordSigningBytes(claim), k1.publicKey)).toBe(true);
  });

  it('an Identity (src/identity) signs records with its Ed25519 key and publishes its X25519 key', async () => {
    await ready();
    const id = Identity.generate();
    const { signer, x25519Key } = identityRecordKeys(id);
    expect(Buffer.from(signer.publicKey).equals(Buffer.from(id.publicIdentity.ed25519))).toBe(true);
    expect(Buffer.from(x25519Key).equals(Buffer.from(id.publicIdentity.x25519))).toBe(true);
    const r = { ...claim, identityKey: signer.publicKey, x25519Key };
    const signed = { ...r, signature: signer.sign(recordSigningBytes(r)) as Uint8Array, prevSignature: null };
    expect(verifyRecordSignature(signed)).toBe(true);
    expect(checkTransition(null, signed)).toEqual({ ok: true });
  });

  it('leaf bytes round-trip, JSON round-trips', () => {
    const c = sign(claim);
    const rot = sign(
      { ...claim, kind: 'rotate', seq: 1, identityKey: k2.publicKey, prev: recordLeafHash(c) },
      k2,
      k1,
    );
    for (const r of [c, rot]) {
      const back = parseRecordLeaf(recordLeaf(r));
      expect(recordToJson(back)).toEqual(recordToJson(r));
      expect(recordToJson(recordFromJson(JSON.parse(JSON.stringify(recordToJson(r)))))).toEqual(
        recordToJson(r),
      );
    }
  });

  it('refuses malformed leaves and JSON', () => {
    const leaf = recordLeaf(sign(claim));
    const bad = [
      leaf.subarray(0, leaf.length - 1),
      new Uint8Array([...leaf, 0]),
      leaf.map((v, i) => (i === 0 ? 0x41 : v)),
    ];
    for (const l of bad) expect(() => parseRecordLeaf(l)).toThrow(RecordFormatError);
    const j = recordToJson(sign(claim)) as unknown as Record<string, unknown>;
    for (const mut of [
      { v: 2 },
      { kind: 'steal' },
      { handle: 'A' },
      { seq: -1 },
      { seq: 1.5 },
      { createdAt: '1' },
      { expiresAt: 0 },
      { identityKey: 'AAAA' },
      { sig: 1 },
      { prevSig: j.sig },
      { extra: true },
    ]) {
      expect(() => recordFromJson({ ...j, ...mut }), JSON.stringify(mut)).toThrow(RecordFormatError);
    }
    for (const v of [null, [], 'x', 1]) expect(() => recordFromJson(v)).toThrow(RecordFormatError);
  });
});

describe('handle rules', () => {
  const c = sign(claim);
  const rot = (over: Partial<KeyRecord> = {}, s = k2, prev: typeof k1 | undefined = k1) =>
    sign(
      { ...claim, kind: 'rotate', seq: 1, identityKey: k2.publicKey, prev: recordLeafHash(c), ...over },
      s,
      prev,
    );

  it('accepts claim, rotation by old+new key, revocation by the current key', () => {
    expect(checkTransition(null, c)).toEqual({ ok: true });
    const r = rot();
    expect(checkTransition(c, r)).toEqual({ ok: true });
    const rev = sign(
      { ...claim, kind: 'revoke', seq: 2, identityKey: k2.publicKey, prev: recordLeafHash(r) },
      k2,
    );
    expect(checkTransition(r, rev)).toEqual({ ok: true });
    const after = sign({ ...claim, kind: 'rotate', seq: 3, prev: recordLeafHash(rev) }, k1, k2);
    expect(checkTransition(rev, after)).toMatchObject({ ok: false, code: 'handle_revoked' });
  });

  it('refuses every broken transition with its code', () => {
    const cases: Array<[SignedKeyRecord | null, SignedKeyRecord, string]> = [
      [c, sign({ ...claim, identityKey: k2.publicKey }, k2), 'handle_taken'],
      [null, rot(), 'handle_unknown'],
      [c, rot({}, k2, k2), 'not_signed_by_current_key'],
      [c, rot({ seq: 0 }), 'stale_record'],
      [c, rot({ seq: 2 }), 'bad_sequence'],
      [c, rot({ prev: ZERO_HASH }), 'bad_prev'],
      [c, rot({ createdAt: claim.createdAt - 1 }), 'bad_timestamps'],
      [null, sign({ ...claim, expiresAt: claim.createdAt }), 'bad_timestamps'],
      [null, sign({ ...claim, seq: 1 }), 'bad_sequence'],
      [null, { ...c, x25519Key: new Uint8Array(32) }, 'bad_signature'],
      [
        c,
        sign({ ...claim, kind: 'revoke', seq: 1, identityKey: k2.publicKey, prev: recordLeafHash(c) }, k2),
        'identity_key_changed',
      ],
    ];
    for (const [cur, next, want] of cases)
      expect(checkTransition(cur, next)).toMatchObject({ ok: false, code: want });
  });
});
