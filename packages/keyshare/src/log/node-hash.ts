// The log's and the map's hashes with node:crypto (the service and the monitor are Node-only). Same
// functions as the client's @noble ones (merkle.ts hashLeaf/hashChildren, map.ts mapKey/mapLeafHash/
// mapNodeHash; checked by test/map.test.ts), several times faster for these short inputs, which
// matters when a million-leaf tree and map are rebuilt at start or replayed by a monitor. Fixed-size
// inputs are laid out in one scratch buffer and hashed with the one-shot crypto.hash (no Hash object
// per call: less garbage).
import { createHash, hash } from 'node:crypto';

const LEAF_PREFIX = Buffer.from([0x00]);
const pair = Buffer.alloc(65);
const mapLeaf = Buffer.alloc(73);

function hashPair(prefix: number, left: Uint8Array, right: Uint8Array): Uint8Array {
  pair[0] = prefix;
  pair.set(left, 1);
  pair.set(right, 33);
  return hash('sha256', pair, 'buffer');
}

/** RFC 6962 leaf hash SHA-256(0x00 || leaf) (client merkle.ts hashLeaf). */
export function nodeHashLeaf(leaf: Uint8Array): Uint8Array {
  return createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();
}

/** RFC 6962 interior node SHA-256(0x01 || left || right) (client merkle.ts hashChildren). */
export function nodeHashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  return hashPair(0x01, left, right);
}

/** The verifiable map's hashes (client map.ts: mapLeafHash, mapNodeHash) with node:crypto. */
export const nodeMapHasher = {
  leaf(key: Uint8Array, value: { leafIndex: number; leafHash: Uint8Array }): Uint8Array {
    mapLeaf[0] = 0x02;
    mapLeaf.set(key, 1);
    mapLeaf.writeBigUInt64BE(BigInt(value.leafIndex), 33);
    mapLeaf.set(value.leafHash, 41);
    return hash('sha256', mapLeaf, 'buffer');
  },
  node(left: Uint8Array, right: Uint8Array): Uint8Array {
    return hashPair(0x03, left, right);
  },
};

const MAP_KEY_PREFIX = Buffer.from('sealpeer/keyshare/map-key\0');

/** K(handle) = SHA-256("sealpeer/keyshare/map-key" || 0x00 || handle) (client map.ts mapKey). */
export function nodeMapKey(handle: string): Uint8Array {
  return createHash('sha256').update(MAP_KEY_PREFIX).update(handle, 'utf8').digest();
}
