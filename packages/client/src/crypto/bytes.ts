// Small byte helpers shared by the crypto, Noise, CPace and identity modules (no secrets involved here:
// comparisons of secrets go through `constantTimeEqual` in ./sodium.ts).

/** Concatenates byte arrays into a new array. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Lower-case hex of `b`. */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** Parses hex (either case); throws TypeError on odd length or a non-hex digit. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new TypeError('invalid hex string');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** UTF-8 encoding of a string. */
export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Big-endian 16-bit encoding. */
export function u16be(n: number): Uint8Array {
  return new Uint8Array([(n >>> 8) & 0xff, n & 0xff]);
}

/** Overwrites a buffer with zeros (best effort; JS cannot guarantee no copies remain). */
export function wipe(b: Uint8Array | undefined): void {
  if (b) b.fill(0);
}
