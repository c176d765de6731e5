// Client frames of the /ws relay (docs/protocol.md, Part 1, "WebSocket frames"): validation of what a
// client sends, and builders of what the server sends. The builders concatenate strings around
// JSON.stringify of the one untrusted value (data, id) instead of serialising whole objects: ids the
// server stamps (clientId, channelId) are UUIDs it generated itself.
import { ERRORS, type ErrorCode } from '../errors.ts';

export type ClientFrame =
  | { type: 'login'; id?: string; clientId: string; password: string; sessionId?: string }
  | { type: 'echo'; id?: string; data: string }
  | { type: 'subscribe'; id?: string }
  | { type: 'publish'; id?: string; data: string }
  | { type: 'send'; id?: string; to: string; data: string }
  | { type: 'rendezvous'; id?: string; tags: string };

export type FrameType = ClientFrame['type'];

export type ParseResult =
  | { ok: true; frame: ClientFrame }
  | { ok: false; code: 'invalid_message' | 'unsupported_type'; ref?: string };

const FIELDS: Record<FrameType, { required: readonly string[]; optional: readonly string[] }> = {
  login: { required: ['clientId', 'password'], optional: ['sessionId'] },
  echo: { required: ['data'], optional: [] },
  subscribe: { required: [], optional: [] },
  publish: { required: ['data'], optional: [] },
  send: { required: ['to', 'data'], optional: [] },
  rendezvous: { required: ['tags'], optional: [] },
};
/** Fields checked in UTF-8 bytes against maxDataBytes instead of MAX_FIELD (`tags`: 1.8). */
const LONG_FIELDS: readonly string[] = ['data', 'tags'];
/** Longest non-`data` field (UTF-16 units); `data` is checked in UTF-8 bytes against maxDataBytes. */
export const MAX_FIELD = 128;
const MAX_ID = 64;

function utf8Over(s: string, max: number): boolean {
  if (s.length > max) return true;
  return s.length * 3 > max && Buffer.byteLength(s, 'utf8') > max;
}

/** Validates one text frame. Anything not exactly a known shape is refused; nothing is coerced. */
export function parseFrame(text: string, maxDataBytes: number): ParseResult {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, code: 'invalid_message' };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, code: 'invalid_message' };
  const o = v as Record<string, unknown>;
  const id = o.id;
  if (id !== undefined && (typeof id !== 'string' || id.length > MAX_ID))
    return { ok: false, code: 'invalid_message' };
  const ref = id;
  const type = o.type;
  if (typeof type !== 'string') return { ok: false, code: 'invalid_message', ref };
  const spec = Object.hasOwn(FIELDS, type) ? FIELDS[type as FrameType] : undefined;
  if (!spec) return { ok: false, code: 'unsupported_type', ref };
  let seen = 0;
  for (const k in o) {
    if (k === 'type' || k === 'id') continue;
    const val = o[k];
    const required = spec.required.includes(k);
    // An unknown field (a client-supplied `from` included: only the server stamps it) is refused.
    if (typeof val !== 'string' || !(required || spec.optional.includes(k)))
      return { ok: false, code: 'invalid_message', ref };
    if (LONG_FIELDS.includes(k) ? utf8Over(val, maxDataBytes) : val.length > MAX_FIELD)
      return { ok: false, code: 'invalid_message', ref };
    if (required) seen++;
  }
  if (seen !== spec.required.length) return { ok: false, code: 'invalid_message', ref };
  return { ok: true, frame: o as ClientFrame };
}

const refPart = (ref: string | undefined): string =>
  ref === undefined ? '' : `,"ref":${JSON.stringify(ref)}`;

export const out = {
  error(code: ErrorCode, ref?: string, message?: string): string {
    const msg = JSON.stringify(message ?? ERRORS[code].message);
    return `{"type":"error","code":"${code}","message":${msg}${refPart(ref)}}`;
  },
  loginOk(clientId: string, channelId: string, ref?: string): string {
    return `{"type":"login_ok","clientId":"${clientId}","channelId":"${channelId}"${refPart(ref)}}`;
  },
  echo(data: string, ref?: string): string {
    return `{"type":"echo","data":${JSON.stringify(data)}${refPart(ref)}}`;
  },
  peers(peers: readonly string[], ref?: string): string {
    return `{"type":"peers","peers":${JSON.stringify(peers)}${refPart(ref)}}`;
  },
  presence(event: 'join' | 'leave', clientId: string): string {
    return `{"type":"presence","event":"${event}","clientId":"${clientId}"}`;
  },
  publish(from: string, data: string): string {
    return `{"type":"publish","from":"${from}","data":${JSON.stringify(data)}}`;
  },
  message(from: string, data: string): string {
    return `{"type":"message","from":"${from}","data":${JSON.stringify(data)}}`;
  },
  /** Tags and clientIds are checked base64url / server UUIDs: no escaping needed. */
  rendezvousOk(matches: ReadonlyArray<{ tag: string; clientId: string }>, ref?: string): string {
    return `{"type":"rendezvous_ok","matches":${JSON.stringify(matches)}${refPart(ref)}}`;
  },
  rendezvous(event: 'join' | 'leave', tag: string, clientId: string): string {
    return `{"type":"rendezvous","event":"${event}","tag":"${tag}","clientId":"${clientId}"}`;
  },
  punt: '{"type":"punt"}',
};
