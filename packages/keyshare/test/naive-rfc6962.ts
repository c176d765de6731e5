// An independent, deliberately naive RFC 6962 §2.1 implementation for tests: MTH, PATH and PROOF
// computed recursively from the raw leaves with node:crypto, nothing cached, nothing shared with src/.
import { createHash } from 'node:crypto';

const sha = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** k = the largest power of two smaller than n (n > 1). */
function k(n: number): number {
  let p = 1;
  while (p << 1 < n) p <<= 1;
  return p;
}

/** MTH(D[n]) (§2.1). */
export function mth(d: Uint8Array[]): Buffer {
  if (d.length === 0) return sha();
  if (d.length === 1) return sha(Buffer.from([0]), d[0]!);
  const s = k(d.length);
  return sha(Buffer.from([1]), mth(d.slice(0, s)), mth(d.slice(s)));
}

/** PATH(m, D[n]) (§2.1.1). */
export function path(m: number, d: Uint8Array[]): Buffer[] {
  if (d.length <= 1) return [];
  const s = k(d.length);
  return m < s
    ? [...path(m, d.slice(0, s)), mth(d.slice(s))]
    : [...path(m - s, d.slice(s)), mth(d.slice(0, s))];
}

/** SUBPROOF(m, D[n], b) (§2.1.2). */
function subproof(m: number, d: Uint8Array[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const s = k(d.length);
  return m <= s
    ? [...subproof(m, d.slice(0, s), b), mth(d.slice(s))]
    : [...subproof(m - s, d.slice(s), false), mth(d.slice(0, s))];
}

/** PROOF(m, D[n]) (§2.1.2). */
export function proof(m: number, d: Uint8Array[]): Buffer[] {
  return subproof(m, d, true);
}

/**
 * Independent inclusion check straight from RFC 9162 §2.1.3.2 (the textual algorithm, written on its
 * own here rather than shared with the client's verifier).
 */
export function naiveVerifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  inclusionPath: Uint8Array[],
  root: Uint8Array,
): boolean {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of inclusionPath) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = sha(Buffer.from([1]), p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = sha(Buffer.from([1]), r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(Buffer.from(root));
}

export function naiveLeafHash(leaf: Uint8Array): Buffer {
  return sha(Buffer.from([0]), leaf);
}
