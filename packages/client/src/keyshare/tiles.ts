// Verifying a log from its static tiles alone (C2SP tlog-tiles): the checkpoint is checked against the
// pinned log key, the partial tiles of its size are hashed up to its root, and an entry is proven by
// hashing the full tiles above it up to an already authenticated tile hash (RFC 6962 §2.1 MTH).
// Browser-safe: only fetch.
import type { FetchLike } from './api.ts';
import type { SignedCheckpoint } from './checkpoint.ts';
import {
  checkWitnessQuorum,
  type ParsedWitnessPolicy,
  parseWitnessPolicy,
  type WitnessPolicy,
} from './cosignature.ts';
import { bytesEqual } from './encoding.ts';
import { KeyshareIntegrityError, KeyshareRequestError } from './errors.ts';
import { HASH_SIZE, hashChildren, hashLeaf } from './merkle.ts';
import type { NoteVerifier } from './note.ts';
import { formatTilePath, TILE_HEIGHT, TILE_WIDTH, type TileRef } from './tile-path.ts';
import { verifyCheckpointNote } from './verify.ts';

const pow256 = (l: number): number => 2 ** (TILE_HEIGHT * l);

/** MTH of `n` consecutive hashes (RFC 6962 §2.1, the hashes taken as subtree roots). */
function mthOfHashes(hashes: Uint8Array[]): Uint8Array {
  if (hashes.length === 1) return hashes[0]!;
  let k = 1;
  while (k * 2 < hashes.length) k *= 2;
  return hashChildren(mthOfHashes(hashes.slice(0, k)), mthOfHashes(hashes.slice(k)));
}

function splitHashes(tile: Uint8Array, width: number, what: string): Uint8Array[] {
  if (tile.length !== width * HASH_SIZE) {
    throw new KeyshareIntegrityError(
      'response_malformed',
      `${what} is ${tile.length} bytes, not ${width * 32}`,
    );
  }
  const out: Uint8Array[] = [];
  for (let i = 0; i < width; i++) out.push(tile.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
  return out;
}

/** Splits an entry bundle (big-endian uint16 length-prefixed entries). */
export function parseEntryBundle(bundle: Uint8Array, count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let off = 0;
  while (off < bundle.length) {
    if (off + 2 > bundle.length) break;
    const len = (bundle[off]! << 8) | bundle[off + 1]!;
    if (off + 2 + len > bundle.length) break;
    out.push(bundle.subarray(off + 2, off + 2 + len));
    off += 2 + len;
  }
  if (off !== bundle.length || out.length !== count) {
    throw new KeyshareIntegrityError('response_malformed', `entry bundle does not hold ${count} entries`);
  }
  return out;
}

export class TileLogReader {
  readonly #base: string;
  readonly #fetch: FetchLike;
  readonly #verifier: NoteVerifier;
  readonly #witnesses: ParsedWitnessPolicy | null;

  /**
   * `prefix`: the URL the tiles are served under (`<prefix>/checkpoint`, `<prefix>/tile/...`), e.g. a
   * mirror's. With `witnesses`, the checkpoint must also carry the witness quorum.
   */
  constructor(prefix: string, verifier: NoteVerifier, fetchImpl?: FetchLike, witnesses?: WitnessPolicy) {
    this.#base = prefix.replace(/\/+$/, '');
    this.#fetch = fetchImpl ?? ((u, i) => fetch(u, i));
    this.#verifier = verifier;
    this.#witnesses = witnesses ? parseWitnessPolicy(witnesses) : null;
  }

  async #get(path: string): Promise<Response> {
    let res: Response;
    try {
      res = await this.#fetch(`${this.#base}/${path}`);
    } catch (err) {
      throw new KeyshareRequestError(0, 'network_error', `tiles unreachable: ${(err as Error).message}`);
    }
    if (!res.ok) throw new KeyshareRequestError(res.status, 'http_error', `GET ${path}: HTTP ${res.status}`);
    return res;
  }

  async #tile(t: TileRef): Promise<Uint8Array[]> {
    const res = await this.#get(`tile/${formatTilePath(t)}`);
    return splitHashes(new Uint8Array(await res.arrayBuffer()), t.width, `tile ${formatTilePath(t)}`);
  }

  /** The checkpoint at `<prefix>/checkpoint`, verified against the pinned log key. */
  async checkpoint(): Promise<SignedCheckpoint> {
    const cp = verifyCheckpointNote(await (await this.#get('checkpoint')).text(), this.#verifier);
    if (this.#witnesses) checkWitnessQuorum(cp.note, this.#witnesses);
    return cp;
  }

  /**
   * The partial tile of each level for the checkpoint's size, checked to hash to its root. Every hash
   * in them is then authenticated. Returned by level (undefined where the level has no partial tile).
   */
  async #rightEdge(cp: SignedCheckpoint): Promise<Array<Uint8Array[] | undefined>> {
    const edge: Array<Uint8Array[] | undefined> = [];
    const parts: Uint8Array[] = [];
    for (let l = 0; pow256(l) <= cp.size; l++) {
      const width = Math.floor(cp.size / pow256(l)) % TILE_WIDTH;
      if (width === 0) continue;
      const hashes = await this.#tile({ level: l, index: Math.floor(cp.size / pow256(l + 1)), width });
      edge[l] = hashes;
      // The complete subtrees of this level, left to right: one per set bit of `width`, largest first.
      const mine: Uint8Array[] = [];
      for (let off = 0, bit = 128; bit >= 1; bit >>= 1) {
        if (width & bit) {
          mine.push(mthOfHashes(hashes.slice(off, off + bit)));
          off += bit;
        }
      }
      parts.unshift(...mine); // higher levels are further left in the tree
    }
    // RFC 6962 MTH of a tree = its complete subtrees folded right to left.
    const root = parts.length === 0 ? null : parts.reduceRight((acc, h) => hashChildren(h, acc));
    if (!root || !bytesEqual(root, cp.rootHash)) {
      throw new KeyshareIntegrityError('inclusion_failed', 'the tiles do not hash to the checkpoint root');
    }
    return edge;
  }

  /**
   * Fetches entry `index` and proves it is in the checkpoint's tree from tiles only. Returns the entry
   * bytes (for sealpeer: the record leaf).
   */
  async entry(cp: SignedCheckpoint, index: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(index) || index < 0 || index >= cp.size)
      throw new RangeError('index out of range');
    const edge = await this.#rightEdge(cp);
    // Walk up: the level-l tile holding the node, full (hashed into level l+1) or the partial edge tile.
    let level0: Uint8Array[] | undefined;
    let want: Uint8Array | null = null; // hash a full tile must have, set once authenticated
    const chain: Array<{ tile: Uint8Array[]; pos: number }> = [];
    for (let l = 0; ; l++) {
      const node = Math.floor(index / pow256(l)); // index of the node on level l
      const tileIndex = Math.floor(node / TILE_WIDTH);
      const fullTiles = Math.floor(cp.size / pow256(l + 1));
      if (tileIndex < fullTiles) {
        const tile = await this.#tile({ level: l, index: tileIndex, width: TILE_WIDTH });
        chain.push({ tile, pos: node % TILE_WIDTH });
        level0 ??= tile;
        continue;
      }
      const partial = edge[l];
      if (!partial) throw new KeyshareIntegrityError('inclusion_failed', 'no edge tile for the entry');
      level0 ??= partial;
      want = partial[node % TILE_WIDTH] ?? null;
      break;
    }
    // Each full tile must hash to the entry one level up; the top one to an edge hash.
    for (let i = chain.length - 1; i >= 0; i--) {
      const link = chain[i]!;
      if (!want || !bytesEqual(mthOfHashes(link.tile), want)) {
        throw new KeyshareIntegrityError('inclusion_failed', 'a full tile does not hash to the tile above');
      }
      want = i > 0 ? link.tile[link.pos]! : null;
    }
    const bundleIndex = Math.floor(index / TILE_WIDTH);
    const width = level0!.length;
    const bundle = await this.#get(`tile/${formatTilePath({ level: 'entries', index: bundleIndex, width })}`);
    const entries = parseEntryBundle(new Uint8Array(await bundle.arrayBuffer()), width);
    const entry = entries[index % TILE_WIDTH]!;
    if (!bytesEqual(hashLeaf(entry), level0![index % TILE_WIDTH]!)) {
      throw new KeyshareIntegrityError(
        'inclusion_failed',
        'the entry does not hash to its level-0 tile hash',
      );
    }
    return entry;
  }
}
