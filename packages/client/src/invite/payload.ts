// QR invite payload, version 1 (docs/protocol.md Part 2, 2.9). Pure: no I/O, no libsodium needed.
// Every input either parses or throws InviteError with a stable code.
import { concatBytes, utf8 } from '../crypto/bytes.ts';
import { decodeBase64url, encodeBase64url } from '../envelope/base64url.ts';
import { InviteError } from '../errors/client-errors.ts';

export const INVITE_VERSION = 1;
export const INVITE_TTL_MS = 10 * 60 * 1000;
const MAX_CLIENT_ID = 64;
const MAX_URL = 200;

export interface InvitePayload {
  /** Inviter's X25519 static public key (32 bytes). */
  staticKey: Uint8Array;
  /** Inviter's Ed25519 identity public key (32 bytes). */
  identityKey: Uint8Array;
  /** One-time secret (32 bytes). */
  secret: Uint8Array;
  /** Expiry, Unix seconds. */
  expiresAt: number;
  /** Channel UUID (lower case). */
  channelId: string;
  /** Inviter's relay clientId. */
  clientId: string;
  /** Server base URL (http: or https:). */
  server: string;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function uuidToBytes(uuid: string): Uint8Array {
  const u = uuid.toLowerCase();
  if (!UUID_RE.test(u)) throw new InviteError('invite_malformed', 'channelId must be a UUID');
  const hex = u.replace(/-/g, '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToUuid(b: Uint8Array): string {
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function checkUrl(s: string): void {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new InviteError('invite_malformed', 'server is not a URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new InviteError('invite_malformed', 'server URL must be http: or https:');
}

function shortString(what: string, s: string, max: number): Uint8Array {
  const b = utf8(s);
  if (b.length < 1 || b.length > max)
    throw new InviteError('invite_malformed', `${what} must be 1-${max} bytes`);
  return concatBytes(new Uint8Array([b.length]), b);
}

function fixed(what: string, b: Uint8Array, len: number): Uint8Array {
  if (!(b instanceof Uint8Array) || b.length !== len)
    throw new InviteError('invite_malformed', `${what} must be ${len} bytes`);
  return b;
}

export function encodeInvitePayload(p: InvitePayload): Uint8Array {
  checkUrl(p.server);
  if (!Number.isInteger(p.expiresAt) || p.expiresAt < 0 || p.expiresAt > 0xffffffff)
    throw new InviteError('invite_malformed', 'expiresAt must be u32 seconds');
  const exp = new Uint8Array(4);
  new DataView(exp.buffer).setUint32(0, p.expiresAt);
  return concatBytes(
    new Uint8Array([INVITE_VERSION]),
    fixed('staticKey', p.staticKey, 32),
    fixed('identityKey', p.identityKey, 32),
    fixed('secret', p.secret, 32),
    exp,
    uuidToBytes(p.channelId),
    shortString('clientId', p.clientId, MAX_CLIENT_ID),
    shortString('server', p.server, MAX_URL),
  );
}

class Reader {
  #o = 0;
  constructor(readonly b: Uint8Array) {}
  take(n: number, what: string): Uint8Array {
    if (this.#o + n > this.b.length) throw new InviteError('invite_truncated', `invite ends inside ${what}`);
    const out = this.b.slice(this.#o, this.#o + n);
    this.#o += n;
    return out;
  }
  str(what: string, max: number): string {
    const len = this.take(1, what)[0]!;
    if (len < 1 || len > max) throw new InviteError('invite_malformed', `${what} must be 1-${max} bytes`);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.take(len, what));
    } catch (e) {
      if (e instanceof InviteError) throw e;
      throw new InviteError('invite_malformed', `${what} is not valid UTF-8`);
    }
  }
  get rest(): number {
    return this.b.length - this.#o;
  }
}

/** Parses a payload. `nowMs` decides expiry (pass `Infinity`-free numbers; default Date.now()). */
export function decodeInvitePayload(bytes: Uint8Array, nowMs: number = Date.now()): InvitePayload {
  if (!(bytes instanceof Uint8Array)) throw new InviteError('invite_malformed', 'payload must be bytes');
  if (bytes.length < 1) throw new InviteError('invite_truncated', 'empty invite');
  if (bytes[0] !== INVITE_VERSION)
    throw new InviteError(
      'invite_bad_version',
      `invite version ${bytes[0]} is not supported; update sealpeer`,
    );
  const r = new Reader(bytes);
  r.take(1, 'version');
  const staticKey = r.take(32, 'staticKey');
  const identityKey = r.take(32, 'identityKey');
  const secret = r.take(32, 'secret');
  const exp = r.take(4, 'expiry');
  const expiresAt = new DataView(exp.buffer).getUint32(0);
  const channelId = bytesToUuid(r.take(16, 'channelId'));
  const clientId = r.str('clientId', MAX_CLIENT_ID);
  const server = r.str('server', MAX_URL);
  if (r.rest !== 0) throw new InviteError('invite_trailing_bytes', `${r.rest} bytes after the invite`);
  checkUrl(server);
  if (expiresAt * 1000 <= nowMs)
    throw new InviteError('invite_expired', 'the invite has expired: ask for a new one');
  return { staticKey, identityKey, secret, expiresAt, channelId, clientId, server };
}

/** `<appOrigin>/p#<base64url payload>`. */
export function inviteUri(appOrigin: string, p: InvitePayload): string {
  return `${appOrigin.replace(/\/+$/, '')}/p#${encodeBase64url(encodeInvitePayload(p))}`;
}

/** Parses an invite URI (any origin; the path must be /p and the payload in the fragment). */
export function parseInviteUri(uri: string, nowMs: number = Date.now()): InvitePayload {
  if (typeof uri !== 'string' || uri.length > 4096)
    throw new InviteError('invite_malformed', 'not an invite URI');
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw new InviteError('invite_malformed', 'not an invite URI');
  }
  if (!u.pathname.endsWith('/p') || !u.hash.startsWith('#'))
    throw new InviteError('invite_malformed', 'an invite URI looks like https://host/p#...');
  const bytes = decodeBase64url(u.hash.slice(1));
  if (!bytes) throw new InviteError('invite_malformed', 'the invite fragment is not base64url');
  return decodeInvitePayload(bytes, nowMs);
}
