// The log's Merkle tree (RFC 6962 §2.1) kept in memory as the hashes of every complete subtree, level
// by level. Any subtree hash needed by a proof is either stored (complete subtrees) or computed from
// O(log n) stored ones (subtrees on the right border), so proofs cost O(log^2 n) hashes at worst and
// border hashes are memoised (they never change: leaves are immutable).
import * as keyshare from '@sealpeer/client/keyshare';
import { HashArray } from './hash-array.ts';

export type HashChildren = (left: Uint8Array, right: Uint8Array) => Uint8Array;

/** Largest power of two strictly smaller than n (n >= 2), RFC 6962 §2.1 "k". */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const MEMO_LIMIT = 200_000;

export class MerkleTree {
  readonly #levels: HashArray[] = [new HashArray()];
  readonly #hashChildren: HashChildren;
  #memo = new Map<string, Uint8Array>();

  constructor(hashChildren: HashChildren = keyshare.hashChildren) {
    this.#hashChildren = hashChildren;
  }

  get size(): number {
    return this.#levels[0]!.length;
  }

  /** Appends a leaf hash (RFC 6962 leaf hash, i.e. SHA-256(0x00 || leaf)). */
  append(leafHash: Uint8Array): void {
    let level = 0;
    this.#levels[0]!.push(leafHash);
    // Each time a level gets an even count, its last two hashes complete a subtree one level up.
    while (this.#levels[level]!.length % 2 === 0) {
      const cur = this.#levels[level]!;
      const n = cur.length;
      const parent = this.#hashChildren(cur.at(n - 2), cur.at(n - 1));
      if (!this.#levels[level + 1]) this.#levels.push(new HashArray());
      this.#levels[level + 1]!.push(parent);
      level++;
    }
  }

  leafHash(index: number): Uint8Array {
    return this.#levels[0]!.at(index).slice();
  }

  /** MTH(D[start:end]) for 0 <= start < end <= size, with start aligned as in RFC 6962 recursion. */
  subtreeHash(start: number, end: number): Uint8Array {
    const n = end - start;
    const level = Math.log2(n);
    if (Number.isInteger(level) && start % n === 0) {
      return this.#levels[level]!.at(start / n);
    }
    const key = `${start}:${end}`;
    const hit = this.#memo.get(key);
    if (hit) return hit;
    const k = splitPoint(n);
    const h = this.#hashChildren(this.subtreeHash(start, start + k), this.subtreeHash(start + k, end));
    if (this.#memo.size >= MEMO_LIMIT) this.#memo = new Map();
    this.#memo.set(key, h);
    return h;
  }

  /** Root hash of the tree of the first `size` leaves (RFC 6962 MTH; empty tree: SHA-256("")). */
  root(size: number = this.size): Uint8Array {
    this.#checkSize(size);
    return size === 0 ? keyshare.emptyRoot() : this.subtreeHash(0, size).slice();
  }

  /** RFC 6962 §2.1.1 PATH(m, D[0:size]), leaf to root. */
  inclusionProof(index: number, size: number = this.size): Uint8Array[] {
    this.#checkSize(size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size)
      throw new RangeError('index out of range');
    const out: Uint8Array[] = [];
    const path = (m: number, start: number, end: number): void => {
      const n = end - start;
      if (n === 1) return;
      const k = splitPoint(n);
      if (m < k) {
        path(m, start, start + k);
        out.push(this.subtreeHash(start + k, end));
      } else {
        path(m - k, start + k, end);
        out.push(this.subtreeHash(start, start + k));
      }
    };
    path(index, 0, size);
    return out.map((h) => h.slice());
  }

  /** RFC 6962 §2.1.2 PROOF(m, D[0:size]) = SUBPROOF(m, D[0:size], true), for 0 < m <= size. */
  consistencyProof(m: number, size: number = this.size): Uint8Array[] {
    this.#checkSize(size);
    if (!Number.isSafeInteger(m) || m <= 0 || m > size) throw new RangeError('old size out of range');
    const out: Uint8Array[] = [];
    const sub = (m: number, start: number, end: number, b: boolean): void => {
      const n = end - start;
      if (m === n) {
        if (!b) out.push(this.subtreeHash(start, end));
        return;
      }
      const k = splitPoint(n);
      if (m <= k) {
        sub(m, start, start + k, b);
        out.push(this.subtreeHash(start + k, end));
      } else {
        sub(m - k, start + k, end, false);
        out.push(this.subtreeHash(start, start + k));
      }
    };
    sub(m, 0, size, true);
    return out.map((h) => h.slice());
  }

  #checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size)
      throw new RangeError('tree size out of range');
  }
}
