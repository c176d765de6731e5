// The log as C2SP tlog-tiles resources, computed from the in-memory tree and the stored leaves. The
// n-th tile at level l holds MTH(D[(n*256+i)*256^l : (n*256+i+1)*256^l]) for i < width: complete
// subtrees, which the tree keeps stored, so a tile costs 256 array reads.
import * as keyshare from '@sealpeer/client/keyshare';
import type { MerkleTree } from './tree.ts';

export type TileRef = keyshare.TileRef;

const { TILE_WIDTH, TILE_HEIGHT } = keyshare;

/**
 * Whether the tile exists for a log of `size` leaves: a full tile once its 256 hashes exist; a partial
 * tile of width W while its W hashes exist and it is not full (every size had a checkpoint, so every
 * partial width was once the right edge: tlog-tiles §Partial Tiles).
 */
export function tileExists(t: TileRef, size: number): boolean {
  const level = t.level === 'entries' ? 0 : t.level;
  const available = Math.floor(size / 2 ** (TILE_HEIGHT * level)); // hashes on this level
  return t.index * TILE_WIDTH + t.width <= available;
}

/** A hash tile: `width` concatenated 32-byte hashes. The caller checked tileExists. */
export function hashTile(tree: MerkleTree, t: TileRef & { level: number }): Uint8Array {
  const span = 2 ** (TILE_HEIGHT * t.level);
  const out = new Uint8Array(t.width * 32);
  for (let i = 0; i < t.width; i++) {
    const start = (t.index * TILE_WIDTH + i) * span;
    out.set(tree.subtreeHash(start, start + span), i * 32);
  }
  return out;
}

/** An entry bundle: each leaf as a big-endian uint16 length then its bytes (tlog-tiles §Log entries). */
export function entryBundle(leaves: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const l of leaves) {
    if (l.length > 0xffff) throw new Error('leaf too large for an entry bundle');
    total += 2 + l.length;
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const l of leaves) {
    out[off] = l.length >> 8;
    out[off + 1] = l.length & 0xff;
    out.set(l, off + 2);
    off += 2 + l.length;
  }
  return out;
}
