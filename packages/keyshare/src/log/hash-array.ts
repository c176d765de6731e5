// A growable, contiguous array of 32-byte hashes (one per complete subtree on a tree level). Keeps a
// million-leaf tree in a few dozen megabytes without one object per node.
const HASH = 32;

export class HashArray {
  #buf = new Uint8Array(HASH * 1024);
  #count = 0;

  get length(): number {
    return this.#count;
  }

  push(hash: Uint8Array): void {
    if (hash.length !== HASH) throw new Error('hash must be 32 bytes');
    if ((this.#count + 1) * HASH > this.#buf.length) {
      const next = new Uint8Array(this.#buf.length * 2);
      next.set(this.#buf);
      this.#buf = next;
    }
    this.#buf.set(hash, this.#count * HASH);
    this.#count++;
  }

  /** A view of hash `i`; copy it if it must outlive later pushes. */
  at(i: number): Uint8Array {
    if (i < 0 || i >= this.#count) throw new RangeError(`hash ${i} of ${this.#count}`);
    return this.#buf.subarray(i * HASH, (i + 1) * HASH);
  }
}
