// HTTP calls to a keyshare (docs/keyshare.md §HTTP API). Every answer is validated before it is typed;
// anything that does not have the documented shape is a KeyshareIntegrityError('response_malformed').
import { fromBase64 } from './encoding.ts';
import { KeyshareIntegrityError, KeyshareRequestError } from './errors.ts';
import { HASH_SIZE } from './merkle.ts';
import type { RecordJson } from './record.ts';

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** A record answer: the record as JSON (validated later), where it is in the log, and the proof. */
export interface RecordAnswer {
  readonly record: unknown;
  readonly leafIndex: number;
  readonly inclusionProof: Uint8Array[];
  readonly checkpoint: string;
}

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

function hashList(v: unknown, what: string): Uint8Array[] {
  if (!Array.isArray(v) || v.length > MAX_PROOF) malformed(`${what} is not a list of hashes`);
  return (v as unknown[]).map((h) => {
    try {
      const b = typeof h === 'string' ? fromBase64(h) : null;
      if (b && b.length === HASH_SIZE) return b;
    } catch {
      // fall through
    }
    return malformed(`${what} contains a malformed hash`);
  });
}

export function parseRecordAnswer(body: unknown): RecordAnswer {
  if (!isObject(body)) malformed('record answer is not an object');
  const b = body as Record<string, unknown>;
  if (typeof b.checkpoint !== 'string') malformed('checkpoint missing');
  return {
    record: b.record,
    leafIndex: safeIndex(b.leafIndex, 'leafIndex'),
    inclusionProof: hashList(b.inclusionProof, 'inclusionProof'),
    checkpoint: b.checkpoint as string,
  };
}

export class KeyshareApi {
  readonly #base: string;
  readonly #fetch: FetchLike;

  constructor(url: string, fetchImpl?: FetchLike) {
    this.#base = url.replace(/\/+$/, '');
    this.#fetch = fetchImpl ?? ((u, i) => fetch(u, i));
  }

  async #request(path: string, init?: RequestInit): Promise<Response> {
    let res: Response;
    try {
      res = await this.#fetch(`${this.#base}${path}`, init);
    } catch (err) {
      throw new KeyshareRequestError(0, 'network_error', `keyshare unreachable: ${(err as Error).message}`);
    }
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
    const res = await this.#request(path, init);
    try {
      return await res.json();
    } catch {
      return malformed('answer is not JSON');
    }
  }

  async getRecord(handle: string): Promise<RecordAnswer> {
    return parseRecordAnswer(await this.#json(`/v1/records/${encodeURIComponent(handle)}`));
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
