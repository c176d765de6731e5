// HTTP calls of the relay server (docs/protocol.md Part 1): create a channel, get a credential.
// Answers are validated before use, never cast.
import { RelayError } from '../errors/client-errors.ts';

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export interface Credential {
  clientId: string;
  password: string;
  expiresAt: string;
  sessionId: string;
}

function str(o: Record<string, unknown>, k: string): string {
  const v = o[k];
  if (typeof v !== 'string' || v.length === 0 || v.length > 512)
    throw new RelayError('relay_bad_frame', `server answer lacks a valid "${k}"`);
  return v;
}

async function post(fetchFn: FetchLike, url: string, body: unknown): Promise<Record<string, unknown>> {
  const init = {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
  return requestJson(fetchFn, url, init);
}

/** One HTTP call whose answer must be a JSON object; an error answer → relay_http_error with its code. */
export async function requestJson(
  fetchFn: FetchLike,
  url: string,
  init: Parameters<FetchLike>[1],
): Promise<Record<string, unknown>> {
  let res: Awaited<ReturnType<FetchLike>>;
  try {
    res = await fetchFn(url, init);
  } catch (e) {
    throw new RelayError('relay_unreachable', `cannot reach ${url}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    throw new RelayError('relay_bad_frame', `${url} answered ${res.status} without JSON`);
  }
  if (typeof json !== 'object' || json === null)
    throw new RelayError('relay_bad_frame', `${url} answered ${res.status} without a JSON object`);
  const obj = json as Record<string, unknown>;
  if (!res.ok) {
    const err = obj.error as Record<string, unknown> | undefined;
    const code = typeof err?.code === 'string' ? err.code : undefined;
    const msg = typeof err?.message === 'string' ? err.message : `HTTP ${res.status}`;
    throw new RelayError('relay_http_error', `${url}: ${msg}`, code);
  }
  return obj;
}

export function defaultFetch(): FetchLike {
  if (typeof globalThis.fetch !== 'function') throw new RelayError('relay_unreachable', 'no fetch available');
  return globalThis.fetch.bind(globalThis) as unknown as FetchLike;
}

/** POST /api/channels → channelId. */
export async function createChannel(
  server: string,
  opts: { public?: boolean; name?: string } = {},
  fetchFn: FetchLike = defaultFetch(),
): Promise<string> {
  const body: Record<string, unknown> = { public: opts.public ?? false };
  if (opts.name !== undefined) body.name = opts.name;
  const res = await post(fetchFn, new URL('/api/channels', server).href, body);
  return str(res, 'channelId');
}

/** POST /api/channels/:id/sessions → credential for `sessionId` (a UUID). */
export async function getCredential(
  server: string,
  channelId: string,
  sessionId: string,
  fetchFn: FetchLike = defaultFetch(),
): Promise<Credential> {
  const url = new URL(`/api/channels/${encodeURIComponent(channelId)}/sessions`, server).href;
  const res = await post(fetchFn, url, { sessionId });
  return {
    clientId: str(res, 'clientId'),
    password: str(res, 'password'),
    expiresAt: typeof res.expiresAt === 'string' ? res.expiresAt : '',
    sessionId,
  };
}

/** http(s)://host[:port]/... → ws(s)://host[:port]/ws */
export function wsUrl(server: string): string {
  const u = new URL(server);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.pathname = '/ws';
  u.search = '';
  u.hash = '';
  return u.href;
}
