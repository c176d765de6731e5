// Byte encodings of draft-irtf-cfrg-cpace-21 §3.1 (prepend_len, lv_cat, o_cat / lexiographically_larger)
// and a strict parser for lv_cat-encoded peer messages.
import { concatBytes } from '../crypto/bytes.ts';
import { CpaceError } from './errors.ts';

/** prepend_len(data): LEB128 length of `data`, then `data` (§3.1). */
export function prependLen(data: Uint8Array): Uint8Array {
  const len: number[] = [];
  let n = data.length;
  do {
    len.push(n >= 0x80 ? (n & 0x7f) | 0x80 : n);
    n >>>= 7;
  } while (n > 0);
  return concatBytes(Uint8Array.from(len), data);
}

/** lv_cat(a0, a1, ...): concatenation of prepend_len of each argument (§3.1). */
export function lvCat(...parts: readonly Uint8Array[]): Uint8Array {
  return concatBytes(...parts.map(prependLen));
}

/** lexiographically_larger(b1, b2) (§3.1): true when b1 sorts after b2, shorter prefix first. */
export function lexicographicallyLarger(b1: Uint8Array, b2: Uint8Array): boolean {
  const n = Math.min(b1.length, b2.length);
  for (let i = 0; i < n; i++) {
    if (b1[i]! > b2[i]!) return true;
    if (b1[i]! < b2[i]!) return false;
  }
  return b1.length > b2.length;
}

const OC = new Uint8Array([0x6f, 0x63]); // "oc"

/** o_cat(b1, b2) (§3.1): "oc" then the larger of the two strings, then the other. */
export function oCat(b1: Uint8Array, b2: Uint8Array): Uint8Array {
  return lexicographicallyLarger(b1, b2) ? concatBytes(OC, b1, b2) : concatBytes(OC, b2, b1);
}

/**
 * Parses exactly `count` lv_cat fields from `msg` with minimal LEB128 lengths of at most `maxLen` each;
 * anything else (truncation, trailing bytes, non-minimal or oversize lengths) is `bad_message`.
 */
export function parseLvCat(msg: Uint8Array, count: number, maxLen: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let off = 0;
  for (let f = 0; f < count; f++) {
    let len = 0;
    let shift = 0;
    for (;;) {
      if (off >= msg.length) throw new CpaceError('bad_message', 'message is truncated');
      const b = msg[off++]!;
      len |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        if (b === 0 && shift > 0) throw new CpaceError('bad_message', 'non-minimal length encoding');
        break;
      }
      shift += 7;
      if (shift > 21) throw new CpaceError('bad_message', 'length field too long');
    }
    if (len > maxLen) throw new CpaceError('bad_message', `field longer than ${maxLen} bytes`);
    if (msg.length - off < len) throw new CpaceError('bad_message', 'message is truncated');
    out.push(msg.slice(off, off + len));
    off += len;
  }
  if (off !== msg.length) throw new CpaceError('bad_message', 'trailing bytes after the message');
  return out;
}
