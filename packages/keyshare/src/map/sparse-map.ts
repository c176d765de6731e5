// The verifiable map (docs/keyshare.md §Map) kept in memory: the sparse Merkle tree of
// packages/client/src/keyshare/map.ts stored as a crit-bit (Patricia) trie. Only nodes where two
// keys' paths split are stored; the levels between a node and its parent have empty siblings, so their
// hashes are a short chain computed from the node's own. Every node caches its hash at the depth where
// it hangs in the tree (`top`); updates only mark the path dirty and `root()` rehashes dirty nodes, so
// n inserts then one root() costs about 2n hashes (a rebuild or a monitor's replay), and one insert
// then root() about log2 n (an append). Nodes live in typed arrays: about 130 MB for a million keys.
import * as keyshare from '@sealpeer/client/keyshare';

export interface MapHasher {
  leaf(key: Uint8Array, value: keyshare.MapValue): Uint8Array;
  node(left: Uint8Array, right: Uint8Array): Uint8Array;
}

/** The client's hashes (@noble/hashes); the service and monitor pass node:crypto ones (same bytes). */
export const nobleMapHasher: MapHasher = { leaf: keyshare.mapLeafHash, node: keyshare.mapNodeHash };

const HASH = 32;
const NONE = -1;
const EMPTY = keyshare.MAP_EMPTY;
// A node is 4 int32 in one array (a lookup touches one cache line per level, not one per field):
//   [meta, a, b, rep]  meta = INNER flag | DIRTY flag | split bit << 2
//   inner: a, b = left and right child nodes, rep = a leaf slot below it (its key has the node's prefix)
//   leaf:  a = its leaf slot
const STRIDE = 4;
const INNER = 1;
const DIRTY = 2;

/** A copy of `a` in a new array of `n` elements. */
function grown<T extends Uint8Array | Int32Array | Float64Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

export class SparseMap {
  readonly #h: MapHasher;
  #cap = 1024;
  #n = new Int32Array(this.#cap * STRIDE);
  #top = new Uint8Array(this.#cap * HASH);
  #nodes = 0;
  // Leaf slots: key, log leaf index, log leaf hash.
  #leafCap = 1024;
  #keys = new Uint8Array(this.#leafCap * HASH);
  #index = new Float64Array(this.#leafCap);
  #leafHash = new Uint8Array(this.#leafCap * HASH);
  #leaves = 0;
  #root = NONE;

  constructor(hasher: MapHasher = nobleMapHasher) {
    this.#h = hasher;
  }

  /** Number of keys in the map. */
  get size(): number {
    return this.#leaves;
  }

  #inner(n: number): boolean {
    return (this.#n[n * STRIDE]! & INNER) !== 0;
  }

  #bit(n: number): number {
    return this.#n[n * STRIDE]! >> 2;
  }

  #left(n: number): number {
    return this.#n[n * STRIDE + 1]!;
  }

  #right(n: number): number {
    return this.#n[n * STRIDE + 2]!;
  }

  #markDirty(n: number, dirty: boolean): void {
    const i = n * STRIDE;
    this.#n[i] = dirty ? this.#n[i]! | DIRTY : this.#n[i]! & ~DIRTY;
  }

  #key(slot: number): Uint8Array {
    return this.#keys.subarray(slot * HASH, slot * HASH + HASH);
  }

  #topOf(n: number): Uint8Array {
    return this.#top.subarray(n * HASH, n * HASH + HASH);
  }

  #newNode(): number {
    if (this.#nodes === this.#cap) {
      this.#cap *= 2;
      this.#n = grown(this.#n, this.#cap * STRIDE);
      this.#top = grown(this.#top, this.#cap * HASH);
    }
    return this.#nodes++;
  }

  #newLeaf(key: Uint8Array, value: keyshare.MapValue): number {
    if (this.#leaves === this.#leafCap) {
      this.#leafCap *= 2;
      this.#keys = grown(this.#keys, this.#leafCap * HASH);
      this.#leafHash = grown(this.#leafHash, this.#leafCap * HASH);
      this.#index = grown(this.#index, this.#leafCap);
    }
    const slot = this.#leaves++;
    this.#keys.set(key, slot * HASH);
    const n = this.#newNode();
    this.#n[n * STRIDE] = 0;
    this.#n[n * STRIDE + 1] = slot;
    this.#setValue(n, value);
    return n;
  }

  /** A leaf's value and hash (a leaf's hash does not depend on its depth: it is never dirty). */
  #setValue(n: number, value: keyshare.MapValue): void {
    const slot = this.#left(n);
    this.#index[slot] = value.leafIndex;
    this.#leafHash.set(value.leafHash, slot * HASH);
    this.#top.set(this.#h.leaf(this.#key(slot), value), n * HASH);
  }

  /** An inner node splitting at `bit` between subtree `other` and the new leaf `leaf` of `key`. */
  #newInner(bit: number, other: number, leaf: number, key: Uint8Array): number {
    const n = this.#newNode();
    const newRight = keyshare.keyBit(key, bit) === 1;
    const i = n * STRIDE;
    this.#n[i] = INNER | DIRTY | (bit << 2);
    this.#n[i + 1] = newRight ? other : leaf;
    this.#n[i + 2] = newRight ? leaf : other;
    this.#n[i + 3] = this.#left(leaf); // the new leaf's slot
    return n;
  }

  #repKey(n: number): Uint8Array {
    return this.#key(this.#inner(n) ? this.#n[n * STRIDE + 3]! : this.#left(n));
  }

  /** Leading bits `key` shares with the key in leaf slot `slot` (no allocation: the hot path). */
  #shared(key: Uint8Array, slot: number): number {
    const keys = this.#keys;
    const off = slot * HASH;
    for (let i = 0; i < HASH; i++) {
      const x = key[i]! ^ keys[off + i]!;
      if (x !== 0) return i * 8 + Math.clz32(x) - 24;
    }
    return keyshare.MAP_KEY_BITS;
  }

  #child(node: number, key: Uint8Array): number {
    const b = this.#bit(node);
    return (key[b >> 3]! >> (7 - (b & 7))) & 1 ? this.#right(node) : this.#left(node);
  }

  /** The leaf reached from the root by following `key`'s bits at each split (the map is not empty). */
  #closestLeaf(key: Uint8Array): number {
    let node = this.#root;
    while (this.#inner(node)) node = this.#child(node, key);
    return node;
  }

  /** Sets the value of `key` (32 bytes): the handle's latest log leaf. */
  set(key: Uint8Array, value: keyshare.MapValue): void {
    if (key.length !== HASH || value.leafHash.length !== HASH)
      throw new Error('key and leaf hash are 32 bytes');
    if (this.#root === NONE) {
      this.#root = this.#newLeaf(key, value);
      return;
    }
    // Crit-bit insertion: the leaf reached by following the key's bits shares the longest prefix
    // with it of all keys, so one key comparison gives the depth where the key's path leaves the tree.
    const shared = this.#shared(key, this.#left(this.#closestLeaf(key)));
    let parent = NONE;
    let node = this.#root;
    // Every node above that depth is on the key's path: mark it for rehashing at the next root().
    while (this.#inner(node) && this.#bit(node) < shared) {
      this.#markDirty(node, true);
      parent = node;
      node = this.#child(node, key);
    }
    if (shared === keyshare.MAP_KEY_BITS) {
      this.#setValue(node, value); // node is the key's leaf
      return;
    }
    // A new inner node splits at depth `shared`, above `node` (a leaf, or an inner node splitting lower).
    const inner = this.#newInner(shared, node, this.#newLeaf(key, value), key);
    if (this.#inner(node)) this.#markDirty(node, true); // its top now hangs at shared + 1
    if (parent === NONE) this.#root = inner;
    else if (this.#left(parent) === node) this.#n[parent * STRIDE + 1] = inner;
    else this.#n[parent * STRIDE + 2] = inner;
  }

  /** The hash of inner node `n`'s subtree at depth `depth` <= its split bit (rehashing dirty nodes). */
  #hashAt(n: number, depth: number): Uint8Array {
    if (!this.#inner(n)) return this.#topOf(n);
    const b = this.#bit(n);
    let h = this.#h.node(this.#refresh(this.#left(n), b + 1), this.#refresh(this.#right(n), b + 1));
    const key = this.#repKey(n);
    // Levels b-1 .. depth have one non-empty child: the chain up with empty siblings.
    for (let l = b - 1; l >= depth; l--) {
      h = keyshare.keyBit(key, l) === 0 ? this.#h.node(h, EMPTY) : this.#h.node(EMPTY, h);
    }
    return h;
  }

  /** The cached hash of node `n` hanging at `depth`, recomputed when dirty. */
  #refresh(n: number, depth: number): Uint8Array {
    if (this.#n[n * STRIDE]! & DIRTY) {
      this.#top.set(this.#hashAt(n, depth), n * HASH);
      this.#markDirty(n, false);
    }
    return this.#topOf(n);
  }

  /** The map root (32 zero bytes for the empty map). */
  root(): Uint8Array {
    return this.#root === NONE ? EMPTY.slice() : this.#refresh(this.#root, 0).slice();
  }

  /** The value of `key`, or null. */
  get(key: Uint8Array): keyshare.MapValue | null {
    if (this.#root === NONE) return null;
    const slot = this.#left(this.#closestLeaf(key));
    if (this.#shared(key, slot) !== keyshare.MAP_KEY_BITS) return null;
    return { leafIndex: this.#index[slot]!, leafHash: this.#leafHash.slice(slot * HASH, slot * HASH + HASH) };
  }

  /** The map proof for `key` (present or absent) against root(): siblings leaf to root. */
  proof(key: Uint8Array): keyshare.MapProof {
    this.root(); // rehash dirty nodes first
    if (this.#root === NONE) return { leaf: null, siblings: [] };
    const down: Uint8Array[] = []; // siblings root to leaf
    // Where the key's path leaves the tree (crit-bit, as in set): below that, an empty subtree.
    const shared = this.#shared(key, this.#left(this.#closestLeaf(key)));
    let node = this.#root;
    let depth = 0;
    while (this.#inner(node)) {
      const b = this.#bit(node);
      if (shared < b) {
        // The key's path leaves this subtree's at depth `shared`: it ends in an empty subtree there.
        for (; depth < shared; depth++) down.push(EMPTY);
        down.push(this.#hashAt(node, shared + 1));
        return { leaf: null, siblings: down.reverse() };
      }
      for (; depth < b; depth++) down.push(EMPTY);
      const next = this.#child(node, key);
      down.push(this.#topOf(next === this.#left(node) ? this.#right(node) : this.#left(node)).slice());
      depth = b + 1;
      node = next;
    }
    const slot = this.#left(node);
    return {
      leaf: {
        key: this.#key(slot).slice(),
        leafIndex: this.#index[slot]!,
        leafHash: this.#leafHash.slice(slot * HASH, slot * HASH + HASH),
      },
      siblings: down.reverse(),
    };
  }
}
