// The fast in-memory tree (src/log/tree.ts) against the naive RFC 6962 reference on random sizes, and
// its proofs through the client's verifier.
import { randomBytes } from 'node:crypto';
import * as keyshare from '@sealpeer/client/keyshare';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MerkleTree, splitPoint } from '../src/log/tree.ts';
import { mth, naiveLeafHash, naiveVerifyInclusion, path, proof } from './naive-rfc6962.ts';

function build(n: number): { leaves: Uint8Array[]; tree: MerkleTree } {
  const leaves = Array.from({ length: n }, (_, i) => new Uint8Array(randomBytes(1 + (i % 7))));
  const tree = new MerkleTree();
  for (const l of leaves) tree.append(naiveLeafHash(l));
  return { leaves, tree };
}

const hex = (a: Uint8Array[]): string[] => a.map((b) => Buffer.from(b).toString('hex'));

describe('MerkleTree vs naive RFC 6962 §2.1', () => {
  it('splitPoint is the largest power of two below n', () => {
    expect([2, 3, 4, 5, 8, 9, 1000].map(splitPoint)).toEqual([1, 2, 2, 4, 4, 8, 512]);
  });

  it('empty tree root is SHA-256 of the empty string', () => {
    expect(Buffer.from(new MerkleTree().root()).toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('roots, inclusion and consistency proofs match the reference for random sizes', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (n, a, b) => {
          const { leaves, tree } = build(n);
          const size = 1 + (a % n);
          const m = 1 + (b % size);
          const idx = b % size;
          const prefix = leaves.slice(0, size);
          expect(Buffer.from(tree.root(size)).equals(mth(prefix))).toBe(true);
          const incl = tree.inclusionProof(idx, size);
          expect(hex(incl)).toEqual(hex(path(idx, prefix)));
          const cons = tree.consistencyProof(m, size);
          expect(hex(cons)).toEqual(hex(proof(m, prefix)));
          // And both verify with the client's verifier and the independent RFC 9162 check.
          keyshare.verifyInclusion(idx, size, naiveLeafHash(prefix[idx]!), incl, mth(prefix));
          expect(naiveVerifyInclusion(idx, size, naiveLeafHash(prefix[idx]!), incl, mth(prefix))).toBe(true);
          keyshare.verifyConsistency(m, size, cons, mth(leaves.slice(0, m)), mth(prefix));
          checked++;
        },
      ),
      { numRuns: 150 },
    );
    console.log(`tree vs naive reference: ${checked} random cases`);
    expect(checked).toBe(150);
  });

  it('every index and every old size of a 33-leaf tree', () => {
    const { leaves, tree } = build(33);
    for (let size = 1; size <= 33; size++) {
      const prefix = leaves.slice(0, size);
      for (let i = 0; i < size; i++) expect(hex(tree.inclusionProof(i, size))).toEqual(hex(path(i, prefix)));
      for (let m = 1; m <= size; m++)
        expect(hex(tree.consistencyProof(m, size))).toEqual(hex(proof(m, prefix)));
    }
  });

  it('refuses out-of-range requests', () => {
    const { tree } = build(5);
    expect(() => tree.inclusionProof(5, 5)).toThrow(RangeError);
    expect(() => tree.inclusionProof(0, 6)).toThrow(RangeError);
    expect(() => tree.consistencyProof(0, 5)).toThrow(RangeError);
    expect(() => tree.consistencyProof(6, 5)).toThrow(RangeError);
    expect(() => tree.root(-1)).toThrow(RangeError);
  });
});
