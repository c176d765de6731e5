// RFC 6962 / RFC 9162 Merkle tree hashing and proof verification: tiny pure functions following the
// algorithm of transparency-dev/merkle proof/verify.go (RFC 9162 §2.1.3.2 inclusion, §2.1.4.2
// consistency). Sizes and indices are JS numbers (safe integers); bit arithmetic is done on bigint so
// trees beyond 2^32 leaves are handled exactly.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual } from './encoding.ts';
import { CodedError } from './errors.ts';

export const HASH_SIZE = 32;

/** RFC 6962 §2.1: MTH({d0}) = SHA-256(0x00 || d0). */
export function hashLeaf(leaf: Uint8Array): Uint8Array {
  return sha256.create().update(Uint8Array.of(0x00)).update(leaf).digest();
}

/** RFC 6962 §2.1: interior node = SHA-256(0x01 || left || right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256.create().update(Uint8Array.of(0x01)).update(left).update(right).digest();
}

/** RFC 6962 §2.1: the hash of an empty tree is SHA-256 of the empty string. */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}

export type MerkleErrorCode =
  | 'bad_size'
  | 'index_out_of_range'
  | 'bad_hash_size'
  | 'wrong_proof_size'
  | 'root_mismatch'
  | 'size_order'
  | 'proof_not_empty'
  | 'empty_tree'
  | 'empty_proof';

export class MerkleProofError extends CodedError<MerkleErrorCode> {
  override readonly name = 'MerkleProofError';
}

function u64(n: number, what: string): bigint {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new MerkleProofError('bad_size', `${what} is not a valid size`);
  return BigInt(n);
}

function bitLen(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

function onesCount(x: bigint): number {
  let c = 0;
  for (const ch of x.toString(2)) if (ch === '1') c++;
  return c;
}

function trailingZeros(x: bigint): number {
  let n = 0;
  while (x > 0n && (x & 1n) === 0n) {
    x >>= 1n;
    n++;
  }
  return n;
}

/** Splits the inclusion proof of `index` in a tree of `size` into [inner, border] lengths. */
function decompInclProof(index: bigint, size: bigint): [number, number] {
  const inner = bitLen(index ^ (size - 1n));
  const border = onesCount(index >> BigInt(inner));
  return [inner, border];
}

function chainInner(seed: Uint8Array, proof: Uint8Array[], index: bigint): Uint8Array {
  proof.forEach((h, i) => {
    seed = ((index >> BigInt(i)) & 1n) === 0n ? hashChildren(seed, h) : hashChildren(h, seed);
  });
  return seed;
}

function chainInnerRight(seed: Uint8Array, proof: Uint8Array[], index: bigint): Uint8Array {
  proof.forEach((h, i) => {
    if (((index >> BigInt(i)) & 1n) === 1n) seed = hashChildren(h, seed);
  });
  return seed;
}

function chainBorderRight(seed: Uint8Array, proof: Uint8Array[]): Uint8Array {
  for (const h of proof) seed = hashChildren(h, seed);
  return seed;
}

function checkHashes(proof: Uint8Array[]): void {
  for (const h of proof) {
    if (h.length !== HASH_SIZE) throw new MerkleProofError('bad_hash_size', 'proof hash has the wrong size');
  }
}

function verifyMatch(calculated: Uint8Array, expected: Uint8Array): void {
  if (!bytesEqual(calculated, expected)) {
    throw new MerkleProofError('root_mismatch', 'calculated root does not match the expected root');
  }
}

/** RFC 9162 §2.1.3.2: the root implied by an inclusion proof. Requires 0 <= index < size. */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: Uint8Array[],
): Uint8Array {
  const idx = u64(index, 'index');
  const sz = u64(size, 'size');
  if (idx >= sz) throw new MerkleProofError('index_out_of_range', `index ${index} is beyond size ${size}`);
  if (leafHash.length !== HASH_SIZE)
    throw new MerkleProofError('bad_hash_size', 'leaf hash has the wrong size');
  const [inner, border] = decompInclProof(idx, sz);
  if (proof.length !== inner + border) {
    throw new MerkleProofError(
      'wrong_proof_size',
      `proof has ${proof.length} hashes, want ${inner + border}`,
    );
  }
  checkHashes(proof);
  const res = chainInner(leafHash, proof.slice(0, inner), idx);
  return chainBorderRight(res, proof.slice(inner));
}

/** Throws MerkleProofError unless `proof` shows the leaf at `index` is in the tree of `size` with `root`. */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: Uint8Array[],
  root: Uint8Array,
): void {
  verifyMatch(rootFromInclusionProof(index, size, leafHash, proof), root);
}

/**
 * RFC 9162 §2.1.4.2: the root of the tree of size2 implied by a consistency proof from (size1, root1).
 * A proof from the empty tree is meaningless and refused (a client with no previous checkpoint has
 * nothing to check); equal sizes need an empty proof and equal roots.
 */
export function rootFromConsistencyProof(
  size1: number,
  size2: number,
  proof: Uint8Array[],
  root1: Uint8Array,
): Uint8Array {
  const s1 = u64(size1, 'size1');
  const s2 = u64(size2, 'size2');
  if (s2 < s1) throw new MerkleProofError('size_order', `size2 (${size2}) < size1 (${size1})`);
  if (s1 === 0n)
    throw new MerkleProofError('empty_tree', 'consistency proof from the empty tree is meaningless');
  if (s1 === s2) {
    if (proof.length > 0)
      throw new MerkleProofError('proof_not_empty', 'size1 = size2 but proof is not empty');
    return root1;
  }
  if (proof.length === 0) throw new MerkleProofError('empty_proof', 'empty consistency proof');
  checkHashes(proof);

  let [inner, border] = decompInclProof(s1 - 1n, s2);
  const shift = trailingZeros(s1);
  inner -= shift; // shift < inner when size1 < size2.

  // The proof starts with the root of the subtree of size 2^shift, unless size1 is that subtree.
  let seed = proof[0]!;
  let start = 1;
  if (s1 === 1n << BigInt(shift)) {
    seed = root1;
    start = 0;
  }
  if (proof.length !== start + inner + border) {
    throw new MerkleProofError(
      'wrong_proof_size',
      `proof has ${proof.length} hashes, want ${start + inner + border}`,
    );
  }
  const rest = proof.slice(start);
  const mask = (s1 - 1n) >> BigInt(shift);

  const hash1 = chainBorderRight(chainInnerRight(seed, rest.slice(0, inner), mask), rest.slice(inner));
  verifyMatch(hash1, root1);
  return chainBorderRight(chainInner(seed, rest.slice(0, inner), mask), rest.slice(inner));
}

/** Throws MerkleProofError unless `proof` shows tree (size1, root1) is a prefix of (size2, root2). */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  verifyMatch(rootFromConsistencyProof(size1, size2, proof, root1), root2);
}
