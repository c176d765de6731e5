// The fast sparse map (src/map/sparse-map.ts) against the naive definition (test/naive-map.ts) on random
// operation sequences (fast-check), and its proofs through the client's verifier (the one clients
// run): every proof verifies against the root and says exactly what the naive map holds.
import * as keyshare from '@sealpeer/client/keyshare';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeHashChildren, nodeHashLeaf, nodeMapHasher, nodeMapKey } from '../src/log/node-hash.ts';
import { SparseMap } from '../src/map/sparse-map.ts';
import { NaiveMap } from './naive-map.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Keys that share long prefixes (a base key with one late bit flipped) as well as random ones. */
const keyArb = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 32 }),
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 })).map(([base, bit]) => {
    const k = new Uint8Array(32).fill(base * 0x55);
    k[bit >> 3]! ^= 0x80 >> (bit & 7);
    return k;
  }),
);
const valueArb = fc.record({
  leafIndex: fc.nat({ max: 2 ** 40 }),
  leafHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
});
const opsArb = fc.array(fc.tuple(keyArb, valueArb), { minLength: 0, maxLength: 60 });

function checkAgainst(fast: SparseMap, naive: NaiveMap, probes: Uint8Array[]): void {
  const root = fast.root();
  expect(hex(root)).toBe(hex(naive.root()));
  for (const key of probes) {
    const want = naive.get(key);
    const got = keyshare.verifyMapProof(key, fast.proof(key), root);
    expect(got.present).toBe(want !== null);
    if (got.present && want) {
      expect(got.value.leafIndex).toBe(want.leafIndex);
      expect(hex(got.value.leafHash)).toBe(hex(want.leafHash));
    }
    expect(fast.get(key)?.leafIndex ?? null).toBe(want?.leafIndex ?? null);
  }
}

describe('SparseMap (fast) vs NaiveMap (definition)', () => {
  it('same root and verifiable proofs after every step of random operation sequences', () => {
    let runs = 0;
    fc.assert(
      fc.property(opsArb, fc.array(keyArb, { maxLength: 8 }), fc.boolean(), (ops, absent, rootEachStep) => {
        const fast = new SparseMap(nodeMapHasher);
        const naive = new NaiveMap();
        checkAgainst(fast, naive, absent);
        for (const [i, [key, value]] of ops.entries()) {
          fast.set(key, value);
          naive.set(key, value);
          if (rootEachStep || i === ops.length - 1) {
            checkAgainst(fast, naive, [key, ...absent, ...ops.slice(0, i).map(([k]) => k)]);
          }
        }
        expect(fast.size).toBe(naive.entries.size);
        runs++;
      }),
      { numRuns: 300 },
    );
    expect(runs).toBe(300);
  });

  it("the node:crypto hashes equal the client's (@noble) ones: leaf, node, map key, map leaf, map node", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.string({ maxLength: 64 }),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        (leaf, a, b, handle, leafIndex) => {
          expect(hex(nodeHashLeaf(leaf))).toBe(hex(keyshare.hashLeaf(leaf)));
          expect(hex(nodeHashChildren(a, b))).toBe(hex(keyshare.hashChildren(a, b)));
          expect(hex(nodeMapKey(handle))).toBe(hex(keyshare.mapKey(handle)));
          const v = { leafIndex, leafHash: b };
          expect(hex(nodeMapHasher.leaf(a, v))).toBe(hex(keyshare.mapLeafHash(a, v)));
          expect(hex(nodeMapHasher.node(a, b))).toBe(hex(keyshare.mapNodeHash(a, b)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the noble and node:crypto hashers give the same map', () => {
    const a = new SparseMap();
    const b = new SparseMap(nodeMapHasher);
    for (let i = 0; i < 200; i++) {
      const key = keyshare.mapKey(`user-${i}`);
      const value = { leafIndex: i, leafHash: keyshare.hashLeaf(Uint8Array.of(i)) };
      a.set(key, value);
      b.set(key, value);
    }
    expect(hex(a.root())).toBe(hex(b.root()));
  });

  it('the empty map has root 0^32 and proves every key absent with no siblings', () => {
    const m = new SparseMap();
    expect(hex(m.root())).toBe('00'.repeat(32));
    const p = m.proof(keyshare.mapKey('alice'));
    expect(p).toEqual({ leaf: null, siblings: [] });
    expect(keyshare.verifyMapProof(keyshare.mapKey('alice'), p, m.root()).present).toBe(false);
  });
});
