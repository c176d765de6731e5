// GET /api/turn (docs/protocol.md Part 1 §1.2): short-lived coturn REST credentials
// (draft-uberti-behave-turn-rest-00 §2.2) for a client holding a live relay credential, as ICE servers
// for RTCPeerConnection. The answer is validated before use, never cast.
import { RelayError } from '../errors/client-errors.ts';
import { type Credential, defaultFetch, type FetchLike, requestJson } from './http.ts';

/** One TURN server entry, shaped like RTCIceServer. */
export interface TurnIceServer {
  urls: string[];
  username: string;
  credential: string;
}

export interface TurnServers {
  iceServers: TurnIceServer[];
  /** Seconds the credential stays valid. */
  ttl: number;
}

const MAX_SERVERS = 8;
const MAX_URLS = 16;

function bad(what: string): RelayError {
  return new RelayError('relay_bad_frame', `GET /api/turn answer: ${what}`);
}

function text(v: unknown, what: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 512) throw bad(`${what}: expected a string`);
  return v;
}

/** A `turn:` / `turns:` URI (RFC 7065 §3.1); anything else (a `stun:` or an http URL) is refused. */
function turnUrl(v: unknown): string {
  const u = text(v, 'iceServers[].urls[]');
  if (!/^turns?:[^\s]+$/.test(u))
    throw bad(`iceServers[].urls[]: not a turn: or turns: URI (${u.slice(0, 64)})`);
  return u;
}

function iceServer(v: unknown): TurnIceServer {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('iceServers[]: expected an object');
  const o = v as Record<string, unknown>;
  const urls = typeof o.urls === 'string' ? [o.urls] : o.urls;
  if (!Array.isArray(urls) || urls.length === 0 || urls.length > MAX_URLS)
    throw bad('iceServers[].urls: expected 1 to 16 URIs');
  return {
    urls: urls.map(turnUrl),
    username: text(o.username, 'iceServers[].username'),
    credential: text(o.credential, 'iceServers[].credential'),
  };
}

/** Validates a GET /api/turn body. */
export function parseTurnReply(body: unknown): TurnServers {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('expected a JSON object');
  const o = body as Record<string, unknown>;
  if (!Array.isArray(o.iceServers) || o.iceServers.length === 0 || o.iceServers.length > MAX_SERVERS)
    throw bad('iceServers: expected 1 to 8 entries');
  const ttl = o.ttl;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl <= 0) throw bad('ttl: expected seconds');
  return { iceServers: o.iceServers.map(iceServer), ttl };
}

/**
 * Fetches TURN credentials with the relay credential `cred`. Errors: `relay_http_error` with
 * `serverCode` `turn_disabled` (the server has no TURN), `auth_failed`, `locked_out`; `relay_unreachable`.
 */
export async function getTurnServers(
  server: string,
  cred: Pick<Credential, 'clientId' | 'password'>,
  fetchFn: FetchLike = defaultFetch(),
): Promise<TurnServers> {
  const url = new URL('/api/turn', server).href;
  const basic = btoa(`${cred.clientId}:${cred.password}`);
  const init = { method: 'GET', headers: { authorization: `Basic ${basic}` } };
  return parseTurnReply(await requestJson(fetchFn, url, init));
}
