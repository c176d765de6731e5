// SEALED frames (docs/protocol.md Part 2, 2.4-2.5): keys, nonces, associated data, padding buckets.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, ready, xchacha20poly1305Encrypt } from '../../src/crypto/sodium.ts';
import { type Frame, FrameType, headerOf } from '../../src/envelope/frame.ts';
import { InnerKind } from '../../src/envelope/inner.ts';
import { envelopeAd, envelopeKey, envelopeNonce } from '../../src/envelope/keys.ts';
import { BUCKETS, bucketFor, MAX_INNER_BYTES, pad, unpad } from '../../src/envelope/padding.ts';
import { open, type SealContext, seal } from '../../src/envelope/seal.ts';

beforeAll(async () => {
  await ready();
});

function ctx(over: Partial<SealContext> = {}): SealContext {
  return {
    key: new Uint8Array(32).fill(1),
    dir: 'i2r',
    sid: new Uint8Array(16).fill(2),
    from: 'alice',
    to: 'bob',
    ...over,
  };
}
const app = (s: string) => ({ kind: InnerKind.APP, content: new TextEncoder().encode(s) });

describe('keys and nonces', () => {
  it('derives distinct purpose-bound keys per direction, never the split key itself', () => {
    const k = randomBytes(32);
    const a = envelopeKey(k, 'i2r');
    const b = envelopeKey(k, 'r2i');
    expect(a).toHaveLength(32);
    expect(a).not.toEqual(b);
    expect(a).not.toEqual(k);
  });

  it('nonce = direction byte, 15 zero bytes, big-endian counter', () => {
    const n = envelopeNonce('r2i', 258n);
    expect(n).toHaveLength(24);
    expect(n[0]).toBe(2);
    expect([...n.slice(1, 22)].every((x) => x === 0)).toBe(true);
    expect([...n.slice(22)]).toEqual([1, 2]);
    expect(envelopeNonce('i2r', 0n)[0]).toBe(1);
  });

  it('AD = header, then length-prefixed from and to clientIds', () => {
    const h = new Uint8Array(26).fill(3);
    const ad = envelopeAd(h, 'ab', 'c');
    expect([...ad.slice(26)]).toEqual([2, 97, 98, 1, 99]);
  });
});

describe('padding buckets', () => {
  it('pads to the smallest bucket that holds the message and its 0x80 marker', () => {
    expect(bucketFor(0)).toBe(256);
    expect(bucketFor(255)).toBe(256);
    expect(bucketFor(256)).toBe(1024);
    expect(bucketFor(MAX_INNER_BYTES)).toBe(32_768);
    expect(bucketFor(MAX_INNER_BYTES + 1)).toBeUndefined();
    for (const n of [0, 1, 255, 256, 1023, 1024, 5000, MAX_INNER_BYTES]) {
      const p = pad(new Uint8Array(n).fill(0x80))!;
      expect(BUCKETS).toContain(p.length);
      expect(unpad(p)).toEqual(new Uint8Array(n).fill(0x80));
    }
  });

  it('refuses a length that is not a bucket, or padding without its marker', () => {
    expect(unpad(new Uint8Array(300))).toBeUndefined();
    expect(unpad(new Uint8Array(256))).toBeUndefined();
  });
});

describe('seal / open', () => {
  it('round-trips; the ciphertext length only reveals the bucket', () => {
    const f1 = seal(ctx(), 0n, app('x'))!;
    const f2 = seal(ctx(), 1n, app('x'.repeat(200)))!;
    expect(f1.body.length).toBe(256 + 16);
    expect(f2.body.length).toBe(256 + 16);
    expect(open(ctx(), f1)).toEqual({ ok: true, inner: app('x') });
  });

  it('refuses with bad_tag: a flipped bit, another key, another direction, another header or another route', () => {
    const f = seal(ctx(), 4n, app('hello'))!;
    const flipped: Frame = { ...f, body: f.body.slice() };
    flipped.body[10]! ^= 1;
    expect(open(ctx(), flipped)).toEqual({ ok: false, reason: 'bad_tag' });
    expect(open(ctx({ key: new Uint8Array(32).fill(9) }), f)).toMatchObject({ reason: 'bad_tag' });
    expect(open(ctx({ dir: 'r2i' }), f)).toMatchObject({ reason: 'bad_tag' });
    expect(open(ctx(), { ...f, counter: 5n })).toMatchObject({ reason: 'bad_tag' });
    expect(open(ctx(), { ...f, sid: new Uint8Array(16) })).toMatchObject({ reason: 'bad_tag' });
    expect(open(ctx({ from: 'mallory' }), f)).toMatchObject({ reason: 'bad_tag' });
    expect(open(ctx({ to: 'carol' }), f)).toMatchObject({ reason: 'bad_tag' });
  });

  it('refuses authenticated but badly padded or unknown-kind plaintexts', () => {
    const c = ctx();
    const mk = (plain: Uint8Array): Frame => {
      const f: Frame = { type: FrameType.SEALED, sid: c.sid, counter: 0n, body: new Uint8Array(0) };
      f.body = xchacha20poly1305Encrypt(
        c.key,
        envelopeNonce('i2r', 0n),
        envelopeAd(headerOf(f), 'alice', 'bob'),
        plain,
      );
      return f;
    };
    expect(open(c, mk(new Uint8Array(300)))).toEqual({ ok: false, reason: 'bad_padding' });
    expect(open(c, mk(new Uint8Array(256)))).toEqual({ ok: false, reason: 'bad_padding' });
    expect(open(c, mk(pad(new Uint8Array([0x7f, 1]))!))).toEqual({ ok: false, reason: 'malformed' });
    expect(open(c, mk(pad(new Uint8Array(0))!))).toEqual({ ok: false, reason: 'malformed' });
  });

  it('will not seal a message larger than the largest bucket', () => {
    expect(
      seal(ctx(), 0n, { kind: InnerKind.APP, content: new Uint8Array(MAX_INNER_BYTES) }),
    ).toBeUndefined();
  });

  it('property: open() never throws on random bodies, it refuses', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...BUCKETS.slice(0, 3)),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        (len, counter) => {
          const f: Frame = {
            type: FrameType.SEALED,
            sid: new Uint8Array(16),
            counter,
            body: randomBytes(len + 16),
          };
          expect(open(ctx(), f).ok).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });
});
