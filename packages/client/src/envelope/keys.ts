// Purpose-bound envelope keys and nonces (docs/protocol.md 2.4).
import { concatBytes, utf8 } from '../crypto/bytes.ts';
import { blake2b } from '../crypto/sodium.ts';

export type Direction = 'i2r' | 'r2i';

const LABELS: Record<Direction, Uint8Array> = {
  i2r: utf8('sealpeer/1 envelope initiator->responder'),
  r2i: utf8('sealpeer/1 envelope responder->initiator'),
};
const DIR_BYTE: Record<Direction, number> = { i2r: 0x01, r2i: 0x02 };

/** K_dir = BLAKE2b-256(key = Noise split key of that direction, label). */
export function envelopeKey(splitKey: Uint8Array, dir: Direction): Uint8Array {
  return blake2b([LABELS[dir]], 32, splitKey);
}

/** nonce = dir (1) ‖ 15 zero bytes ‖ counter (u64 big-endian). */
export function envelopeNonce(dir: Direction, counter: bigint): Uint8Array {
  const n = new Uint8Array(24);
  n[0] = DIR_BYTE[dir];
  new DataView(n.buffer).setBigUint64(16, counter);
  return n;
}

/** len (1) ‖ UTF-8 bytes; strings are at most 255 bytes. */
export function lenPrefixed(s: string): Uint8Array {
  const b = utf8(s);
  if (b.length > 255) throw new RangeError('string over 255 bytes');
  return concatBytes(new Uint8Array([b.length]), b);
}

/** AD = header ‖ len ‖ from ‖ len ‖ to. */
export function envelopeAd(header: Uint8Array, from: string, to: string): Uint8Array {
  return concatBytes(header, lenPrefixed(from), lenPrefixed(to));
}
