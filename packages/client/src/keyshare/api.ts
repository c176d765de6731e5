// HTTP calls to a keyshare (docs/keyshare.md §HTTP API). Every answer is validated before it is typed;
// anything that does not have the documented shape is a KeyshareIntegrityError('response_malformed').
import { fromBase64 } from './encoding.ts';
import { KeyshareIntegrityError, KeyshareRequestError } from './errors.ts';
import type { MapLeaf, MapProof } from './map.ts';
import { MAP_KEY_BITS } from './map.ts';
import { HASH_SIZE } from './merkle.ts';
import type { RecordJson } from './record.ts';

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/**
 * A record answer: the record as JSON (validated later), where it is in the log, its inclusion proof,
 * and the map proof that this leaf is the handle's current one, all for the same checkpoint.
 */
export interface RecordAnswer {
  readonly record: unknown;
  readonly leafIndex: number;
  readonly inclusionProof: Uint8Array[];
  readonly mapProof: MapProof;
  readonly checkpoint: string;
}

/** A "not found" answer (HTTP 404): the map proof that the handle has no entry, for the checkpoint. */
export interface AbsenceAnswer {
  readonly mapProof: MapProof;
  readonly checkpoint: string;
}

export type LookupAnswer =
  | { readonly found: true; readonly answer: RecordAnswer }
  | { readonly found: false; readonly absence: AbsenceAnswer };

const MAX_PROOF = 64;
const MAX_PAGE = 1000;

function malformed(what: string): never {
  throw new KeyshareIntegrityError('response_malformed', what);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function safeIndex(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) malformed(`${what} is not an index`);
  return v as number;
}

function hash(h: unknown, what: string): Uint8Array {
  try {
    const b = typeof h === 'string' ? fromBase64(h) : null;
    if (b && b.length === HASH_SIZE) return b;
  } catch {
    // fall through
  }
  return malformed(`${what} is not a base64 32-byte hash`);
}

function hashList(v: unknown, what: string, max = MAX_PROOF): Uint8Array[] {
  if (!Array.isArray(v) || v.length > max) malformed(`${what} is not a list of hashes`);
  return (v as unknown[]).map((h) => hash(h, `an entry of ${what}`));
}

/** `{"leaf": null | {"key","leafIndex","leafHash"}, "siblings": [b64…]}` (docs/keyshare.md §Map). */
export function parseMapProof(v: unknown): MapProof {
  if (!isObject(v)) malformed('mapProof is not an object');
  const p = v as Record<string, unknown>;
  let leaf: MapLeaf | null = null;
  if (p.leaf !== null) {
    if (!isObject(p.leaf)) malformed('mapProof.leaf is not an object or null');
    const l = p.leaf as Record<string, unknown>;
    leaf = {
      key: hash(l.key, 'mapProof.leaf.key'),
      leafIndex: safeIndex(l.leafIndex, 'mapProof.leaf.leafIndex'),
      leafHash: hash(l.leafHash, 'mapProof.leaf.leafHash'),
    };
  }
  return { leaf, siblings: hashList(p.siblings, 'mapProof.siblings', MAP_KEY_BITS) };
}

export function parseRecordAnswer(body: unknown): RecordAnswer {
  if (!isObject(body)) malformed('record answer is not an object');
  const b = body as Record<string, unknown>;
  if (typeof b.checkpoint !== 'string') malformed('checkpoint missing');
  return {
    record: b.record,
    leafIndex: safeIndex(b.leafIndex, 'leafIndex'),
    inclusionProof: hashList(b.inclusionProof, 'inclusionProof'),
    mapProof: parseMapProof(b.mapProof),
    checkpoint: b.checkpoint as string,
  };
}

/**
 * The body of a 404 for a handle. Without a checkpoint and a map proof it is a bare "not found",
 * which the client refuses (`absence_unproven`): only the map can prove a handle absent.
 */
export function parseAbsenceAnswer(body: unknown): AbsenceAnswer {
  const b = isObject(body) ? body : {};
  if (typeof b.checkpoint !== 'string' || b.mapProof === undefined) {
    throw new KeyshareIntegrityError('absence_unproven', '"not found" without a map proof of absence');
  }
  return { mapProof: parseMapProof(b.mapProof), checkpoint: b.checkpoint };
}

export class KeyshareApi {
  readonly #base: string;
  readonly #fetch: FetchLike;

  constructor(url: string, fetchImpl?: FetchLike) {
    this.#base = url.replace(/\/+$/, '');
    this.#fetch = fetchImpl ?? ((u, i) => fetch(u, i));
  }

  async #send(path: string, init?: RequestInit): Promise<Response> {
    try {
      return await this.#fetch(`${this.#base}${path}`, init);
    } catch (err) {
      throw new KeyshareRequestError(0, 'network_error', `keyshare unreachable: ${(err as Error).message}`);
    }
  }

  async #request(path: string, init?: RequestInit): Promise<Response> {
    return this.#checked(await this.#send(path, init));
  }

  /** Throws KeyshareRequestError (with the service's code when it sent one) unless `res` is 2xx. */
  async #checked(res: Response): Promise<Response> {
    if (!res.ok) {
      let code = 'http_error';
      let message = `keyshare answered HTTP ${res.status}`;
      try {
        const body: unknown = await res.json();
        const e = isObject(body) && isObject(body.error) ? body.error : null;
        if (e && typeof e.code === 'string' && typeof e.message === 'string') {
          code = e.code;
          message = e.message;
        }
      } catch {
        // keep the generic message
      }
      throw new KeyshareRequestError(res.status, code, message);
    }
    return res;
  }

  async #json(path: string, init?: RequestInit): Promise<unknown> {
    return this.#body(await this.#request(path, init));
  }

  async #body(res: Response): Promise<unknown> {
    try {
      return await res.json();
    } catch {
      return malformed('answer is not JSON');
    }
  }

  /** A handle's record answer, or (HTTP 404) the proof that it has none. */
  async getRecord(handle: string): Promise<LookupAnswer> {
    const res = await this.#send(`/v1/records/${encodeURIComponent(handle)}`);
    if (res.status === 404) {
      let body: unknown = null;
      try {
        body = await res.json();
      } catch {
        // a bare 404: refused below
      }
      return { found: false, absence: parseAbsenceAnswer(body) };
    }
    return { found: true, answer: parseRecordAnswer(await this.#body(await this.#checked(res))) };
  }

  async postRecord(record: RecordJson): Promise<RecordAnswer> {
    return parseRecordAnswer(
      await this.#json('/v1/records', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(record),
      }),
    );
  }

  async getCheckpoint(): Promise<string> {
    const res = await this.#request('/v1/checkpoint');
    return res.text();
  }

  async getConsistencyProof(oldSize: number, newSize: number): Promise<Uint8Array[]> {
    const body = await this.#json(`/v1/proof/consistency?old=${oldSize}&new=${newSize}`);
    if (!isObject(body)) malformed('consistency answer is not an object');
    return hashList((body as Record<string, unknown>).proof, 'proof');
  }

  /** Leaves [start, end) as raw leaf bytes; the keyshare may return fewer (a bounded page). */
  async getLeaves(start: number, end: number): Promise<Uint8Array[]> {
    const body = await this.#json(`/v1/leaves?start=${start}&end=${end}`);
    const leaves = isObject(body) ? body.leaves : null;
    if (!Array.isArray(leaves) || leaves.length > Math.min(MAX_PAGE, end - start)) malformed('leaves page');
    return (leaves as unknown[]).map((l) => {
      try {
        if (typeof l === 'string') return fromBase64(l);
      } catch {
        // fall through
      }
      return malformed('leaf is not base64');
    });
  }
}
