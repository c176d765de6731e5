// The keyshare's verifiable map (docs/keyshare.md §Map): a sparse Merkle tree over 256-bit keys
// (SHA-256 of the handle) whose value for a handle is its latest log leaf (index + RFC 6962 leaf
// hash). The construction is the one of Diem/Aptos' sparse Merkle tree (jellyfish-merkle
// SparseMerkleProof): a subtree holding exactly one entry is that entry's leaf node, an empty subtree
// is a fixed placeholder, so a proof has one sibling per level down to where the handle's path ends
// (about log2 n), and any root answers each key in exactly one way. Hash inputs are domain-separated
// from the log's (RFC 6962 uses prefixes 0x00 and 0x01; the map uses 0x02 and 0x03). Browser-safe.
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { bytesEqual, u64be } from './encoding.ts';
import { CodedError } from './errors.ts';
import { HASH_SIZE } from './merkle.ts';

/** Key derivation label: K(handle) = SHA-256("sealpeer/keyshare/map-key" || 0x00 || handle). */
export const MAP_KEY_DOMAIN = 'sealpeer/keyshare/map-key';
export const MAP_LEAF_PREFIX = 0x02;
export const MAP_NODE_PREFIX = 0x03;
export const MAP_KEY_BITS = 256;
/** The hash of an empty subtree (and the root of the empty map): 32 zero bytes, no known preimage. */
export const MAP_EMPTY = new Uint8Array(HASH_SIZE);

export type MapErrorCode = 'map_proof_malformed' | 'map_root_mismatch';

export class MapProofError extends CodedError<MapErrorCode> {
  override readonly name = 'MapProofError';
}

/** What the map holds for one handle: its latest log leaf. */
export interface MapValue {
  readonly leafIndex: number;
  /** RFC 6962 leaf hash of that leaf (SHA-256(0x00 || leaf)). */
  readonly leafHash: Uint8Array;
}

export interface MapLeaf extends MapValue {
  readonly key: Uint8Array;
}

/**
 * A map proof for key K: the node where K's path ends (a leaf, or null for an empty subtree) and the
 * siblings along the path, leaf to root (siblings[0] is the sibling of the terminal node).
 */
export interface MapProof {
  readonly leaf: MapLeaf | null;
  readonly siblings: Uint8Array[];
}

export type MapLookup = { readonly present: true; readonly value: MapValue } | { readonly present: false };

const KEY_PREFIX = Uint8Array.of(...utf8ToBytes(MAP_KEY_DOMAIN), 0x00);

export function mapKey(handle: string): Uint8Array {
  return sha256.create().update(KEY_PREFIX).update(utf8ToBytes(handle)).digest();
}

/** Bit `i` (0 = most significant bit of byte 0) of a key: 0 goes left, 1 goes right. */
export function keyBit(key: Uint8Array, i: number): number {
  return (key[i >> 3]! >> (7 - (i & 7))) & 1;
}

/** Leaf node: SHA-256(0x02 || key (32) || leafIndex u64 BE || leafHash (32)). */
export function mapLeafHash(key: Uint8Array, value: MapValue): Uint8Array {
  return sha256
    .create()
    .update(Uint8Array.of(MAP_LEAF_PREFIX))
    .update(key)
    .update(u64be(value.leafIndex))
    .update(value.leafHash)
    .digest();
}

/** Interior node: SHA-256(0x03 || left || right). */
export function mapNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256.create().update(Uint8Array.of(MAP_NODE_PREFIX)).update(left).update(right).digest();
}

function malformed(message: string): never {
  throw new MapProofError('map_proof_malformed', message);
}

/** Number of leading bits two keys share. */
export function commonPrefixBits(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const x = a[i]! ^ b[i]!;
    if (x !== 0) return i * 8 + Math.clz32(x) - 24;
  }
  return MAP_KEY_BITS;
}

/**
 * Verifies a map proof for `key` against `root` and says what the map holds for the key: its value
 * (the terminal leaf has this key) or nothing (an empty subtree, or a leaf of another key on this
 * key's path). Throws MapProofError when the proof is malformed or leads to another root.
 */
export function verifyMapProof(key: Uint8Array, proof: MapProof, root: Uint8Array): MapLookup {
  if (key.length !== HASH_SIZE || root.length !== HASH_SIZE) malformed('key or root is not 32 bytes');
  const depth = proof.siblings.length;
  if (depth > MAP_KEY_BITS) malformed('more siblings than key bits');
  for (const s of proof.siblings) if (s.length !== HASH_SIZE) malformed('a sibling is not 32 bytes');
  let h: Uint8Array;
  let result: MapLookup;
  if (proof.leaf === null) {
    h = MAP_EMPTY;
    result = { present: false };
  } else {
    const { key: leafKey, leafIndex, leafHash } = proof.leaf;
    if (leafKey.length !== HASH_SIZE || leafHash.length !== HASH_SIZE) malformed('leaf is malformed');
    if (!Number.isSafeInteger(leafIndex) || leafIndex < 0) malformed('leaf index is malformed');
    const shared = commonPrefixBits(key, leafKey);
    // The leaf must sit on this key's path: its key starts with the path's `depth` bits.
    if (shared < depth) malformed("the leaf is not on the key's path");
    h = mapLeafHash(leafKey, proof.leaf);
    result = shared === MAP_KEY_BITS ? { present: true, value: { leafIndex, leafHash } } : { present: false };
  }
  for (let i = 0; i < depth; i++) {
    const sibling = proof.siblings[i]!;
    h = keyBit(key, depth - 1 - i) === 0 ? mapNodeHash(h, sibling) : mapNodeHash(sibling, h);
  }
  if (!bytesEqual(h, root))
    throw new MapProofError('map_root_mismatch', 'the map proof leads to another root');
  return result;
}
