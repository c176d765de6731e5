// The CONFIRM checkpoint slot (docs/protocol.md 2.6): the version-1 `checkpoint` field plus the
// `checkpoints` list for several logs, each rule refused when broken, and the size bound of the encoder.
import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '../../src/envelope/base64url.ts';
import {
  decodeConfirm,
  encodeConfirm,
  MAX_CHECKPOINT,
  MAX_CHECKPOINTS,
  MAX_CONFIRM_BYTES,
} from '../../src/pairing/confirm.ts';

const identityKey = new Uint8Array(32).fill(1);
const sig = new Uint8Array(64).fill(2);
const base = { v: 1, identityKey: encodeBase64url(identityKey), sig: encodeBase64url(sig) };
const raw = (o: Record<string, unknown>) => new TextEncoder().encode(JSON.stringify({ ...base, ...o }));
const json = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as Record<string, unknown>;

describe('CONFIRM checkpoint slot', () => {
  it('round-trips none, one and several checkpoints; one travels in the version-1 field only', () => {
    for (const list of [[], ['a\n1\nx\n'], ['a\n1\nx\n', 'b\n2\ny\n', 'c\n3\nz\n']]) {
      const bytes = encodeConfirm({ identityKey, sig, checkpoints: list });
      expect(decodeConfirm(bytes)?.checkpoints).toEqual(list);
      const o = json(bytes);
      expect(o.checkpoint).toBe(list[0] ?? null);
      expect('checkpoints' in o).toBe(list.length > 1);
    }
  });

  it('reads CONFIRMs of senders that know only the version-1 field', () => {
    expect(decodeConfirm(raw({ checkpoint: null }))?.checkpoints).toEqual([]);
    expect(decodeConfirm(raw({ checkpoint: 'cp' }))?.checkpoints).toEqual(['cp']);
  });

  it('refuses a malformed slot', () => {
    const bad: Array<Record<string, unknown>> = [
      {},
      { checkpoint: 5 },
      { checkpoint: 'x'.repeat(MAX_CHECKPOINT + 1) },
      { checkpoint: 'a', checkpoints: 'a' },
      { checkpoint: 'a', checkpoints: ['a'] }, // a list of one is the version-1 field's job
      { checkpoint: 'b', checkpoints: ['a', 'b'] }, // the first must be the version-1 field
      { checkpoint: null, checkpoints: ['a', 'b'] },
      { checkpoint: 'a', checkpoints: ['a', 7] },
      { checkpoint: 'a', checkpoints: ['a', null] },
      { checkpoint: 'a', checkpoints: ['a', 'x'.repeat(MAX_CHECKPOINT + 1)] },
      { checkpoint: 'a', checkpoints: Array.from({ length: MAX_CHECKPOINTS + 1 }, () => 'a') },
    ];
    for (const o of bad) expect(decodeConfirm(raw(o)), JSON.stringify(o).slice(0, 80)).toBeUndefined();
  });

  it('leaves out the last checkpoints when they would not fit the largest padding bucket', () => {
    const big = Array.from({ length: MAX_CHECKPOINTS }, (_, i) => `${i}`.padEnd(MAX_CHECKPOINT, 'x'));
    const bytes = encodeConfirm({ identityKey, sig, checkpoints: big });
    expect(bytes.length).toBeLessThanOrEqual(MAX_CONFIRM_BYTES);
    const got = decodeConfirm(bytes)?.checkpoints ?? [];
    expect(got.length).toBeGreaterThan(1);
    expect(got.length).toBeLessThan(MAX_CHECKPOINTS);
    expect(got).toEqual(big.slice(0, got.length));
  });
});
