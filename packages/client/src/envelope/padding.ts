// Size buckets (docs/protocol.md 2.5): ISO/IEC 7816-4 padding via libsodium sodium_pad / sodium_unpad,
// to the smallest bucket that holds the inner message plus the 0x80 marker byte.
import { sodium } from '../crypto/sodium.ts';

export const BUCKETS = [256, 1024, 4096, 16_384, 32_768] as const;
/** Largest inner message (kind byte + content) that fits the largest bucket. */
export const MAX_INNER_BYTES = 32_767;

export function bucketFor(innerLen: number): number | undefined {
  return BUCKETS.find((b) => b >= innerLen + 1);
}

/** Pads `inner` to its bucket; undefined when it is too large for any bucket. */
export function pad(inner: Uint8Array): Uint8Array | undefined {
  const b = bucketFor(inner.length);
  if (b === undefined) return undefined;
  return sodium().pad(inner, b);
}

/** Removes padding; undefined when the length is not a bucket or the padding is invalid. */
export function unpad(padded: Uint8Array): Uint8Array | undefined {
  if (!(BUCKETS as readonly number[]).includes(padded.length)) return undefined;
  try {
    return sodium().unpad(padded, padded.length);
  } catch {
    return undefined;
  }
}
