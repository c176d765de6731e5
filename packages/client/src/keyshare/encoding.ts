// Byte encodings used by the keyshare formats: standard padded base64 (RFC 4648 §4, as required by
// C2SP signed-note and tlog-checkpoint), lowercase hex, and big-endian unsigned integers.
// Browser-safe (no node: imports).

const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** Strict RFC 4648 §4 decoding: padding required, no whitespace, canonical trailing bits. */
export function fromBase64(text: string): Uint8Array {
  if (!B64_RE.test(text)) throw new Error('invalid base64');
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  if (toBase64(out) !== text) throw new Error('non-canonical base64');
  return out;
}

/** Like fromBase64 but returns null instead of throwing. */
export function tryBase64(text: string): Uint8Array | null {
  try {
    return fromBase64(text);
  } catch {
    return null;
  }
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  // Constant time in the length of the inputs (the lengths themselves are public).
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Writes `value` (0 <= value <= 2^53-1) as an 8-byte big-endian unsigned integer. */
export function u64be(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error('u64 out of range');
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

/** The big-endian u64 at `offset`, or undefined when it is over 2^53-1 (the caller refuses it). */
export function readU64be(bytes: Uint8Array, offset: number): number | undefined {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(offset);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(v);
}
