// The device-link transfer (docs/protocol.md 2.15): one of the user's devices sends its saved contacts
// and pinned keyshare keys to another over a sealed session the receiver opened by scanning the sender's
// QR code. Sent as sealed application messages (2.12) of type `device-link`, split into parts that each
// fit one APP message; every part and the assembled body are validated field by field (never cast), with
// the codes of core/errors.ts. The assembler is a small state machine: receiving → done | refused
// (terminal: nothing more is taken).
import { APP_MESSAGE_MAX_BYTES, parseContact, type SavedContact } from '@sealpeer/client';
import * as keyshare from '@sealpeer/client/keyshare';
import { AppError, type AppErrorCode } from './errors.ts';
import { KeyInputError, parseKeyshareList, type TrustedKeyshare } from './trusted-keys.ts';

/** The APP message type (2.12 `t`). */
export const LINK_TYPE = 'device-link';
export const LINK_VERSION = 1;
/** Raw body bytes per part: base64 makes 16 384 characters, well under the 24 576-byte APP limit. */
export const LINK_PART_BYTES = 12_288;
/** Largest assembled body. */
export const LINK_MAX_BYTES = 1_048_576;
export const LINK_MAX_PARTS = Math.ceil(LINK_MAX_BYTES / LINK_PART_BYTES);
/** At most this many contacts (the contact list's own limit). */
export const LINK_MAX_CONTACTS = 1000;

export interface LinkTransfer {
  contacts: SavedContact[];
  keyshares: TrustedKeyshare[];
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const refuse = (code: AppErrorCode, message: string): never => {
  throw new AppError(code, message);
};

/** The transfer's body as JSON bytes. */
export function encodeLinkBody(t: LinkTransfer): Uint8Array {
  const body = { sealpeerLink: LINK_VERSION, contacts: t.contacts, keyshares: t.keyshares };
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  if (bytes.length > LINK_MAX_BYTES) refuse('link_too_large', `the transfer is ${bytes.length} bytes`);
  return bytes;
}

/** The APP message contents that carry `t`, in order. */
export function encodeLinkParts(t: LinkTransfer): Uint8Array[] {
  const body = encodeLinkBody(t);
  const n = Math.max(1, Math.ceil(body.length / LINK_PART_BYTES));
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const data = keyshare.toBase64(body.subarray(i * LINK_PART_BYTES, (i + 1) * LINK_PART_BYTES));
    out.push(new TextEncoder().encode(JSON.stringify({ t: LINK_TYPE, v: LINK_VERSION, i, n, data })));
  }
  return out;
}

export interface LinkPart {
  i: number;
  n: number;
  data: Uint8Array;
}

/** True when an APP message's `t` is `device-link` (checked without a full parse; the part is not). */
export function isLinkMessage(bytes: Uint8Array): boolean {
  if (bytes.length > APP_MESSAGE_MAX_BYTES) return false;
  try {
    const v: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return isRecord(v) && v.t === LINK_TYPE;
  } catch {
    return false;
  }
}

/** One part from untrusted bytes (2.15, part rules 1–4). */
export function parseLinkPart(bytes: Uint8Array): LinkPart {
  if (bytes.length > APP_MESSAGE_MAX_BYTES)
    refuse('link_too_large', `a part is ${bytes.length} bytes (at most ${APP_MESSAGE_MAX_BYTES})`);
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return refuse('link_malformed', 'a part is not UTF-8 JSON');
  }
  if (!isRecord(v) || v.t !== LINK_TYPE)
    return refuse('link_malformed', `a part is not a "${LINK_TYPE}" object`);
  if (v.v !== LINK_VERSION) refuse('link_malformed', `v: expected ${LINK_VERSION}`);
  const { i, n, data } = v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1)
    return refuse('link_bad_field', 'n: expected a whole number ≥ 1');
  if (n > LINK_MAX_PARTS) refuse('link_too_large', `n: ${n} parts (at most ${LINK_MAX_PARTS})`);
  if (typeof i !== 'number' || !Number.isSafeInteger(i) || i < 0 || i >= n)
    return refuse('link_bad_field', 'i: expected a whole number from 0 to n-1');
  if (typeof data !== 'string') return refuse('link_bad_field', 'data: expected a base64 string');
  if (data.length > (LINK_PART_BYTES / 3) * 4)
    refuse('link_too_large', `data: over ${LINK_PART_BYTES} bytes`);
  const raw = keyshare.tryBase64(data);
  if (!raw || raw.length === 0) return refuse('link_bad_field', 'data: expected non-empty base64');
  return { i, n, data: raw };
}

/** The assembled body from untrusted bytes (2.15, body rules 5–8); names the bad field. */
export function parseLinkBody(bytes: Uint8Array): LinkTransfer {
  if (bytes.length > LINK_MAX_BYTES) refuse('link_too_large', `the transfer is ${bytes.length} bytes`);
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return refuse('link_malformed', 'the transfer is not UTF-8 JSON');
  }
  if (!isRecord(v)) return refuse('link_malformed', 'the transfer is not a JSON object');
  if (v.sealpeerLink !== LINK_VERSION) refuse('link_malformed', `sealpeerLink: expected ${LINK_VERSION}`);
  if (!Array.isArray(v.contacts)) return refuse('link_bad_field', 'contacts: expected a list');
  if (v.contacts.length > LINK_MAX_CONTACTS)
    refuse('link_too_large', `contacts: ${v.contacts.length} (at most ${LINK_MAX_CONTACTS})`);
  const contacts: SavedContact[] = [];
  for (const [i, c] of v.contacts.entries()) {
    let parsed: SavedContact;
    try {
      parsed = parseContact(c, `contacts[${i}]`);
    } catch (err) {
      return refuse('link_bad_field', err instanceof Error ? err.message : String(err));
    }
    if (contacts.some((x) => x.id === parsed.id)) refuse('link_bad_field', `contacts[${i}].id: listed twice`);
    contacts.push(parsed);
  }
  let keyshares: TrustedKeyshare[];
  try {
    keyshares = parseKeyshareList(v.keyshares, 'keyshares');
  } catch (err) {
    if (err instanceof KeyInputError) return refuse('link_bad_field', err.message);
    throw err;
  }
  return { contacts, keyshares };
}

/** Reassembles one transfer, part by part, in order: receiving → done | refused (terminal). */
export class LinkAssembler {
  private state: 'receiving' | 'done' | 'refused' = 'receiving';
  private readonly chunks: Uint8Array[] = [];
  private total = 0;
  private n = 0;

  get status(): 'receiving' | 'done' | 'refused' {
    return this.state;
  }

  /** Takes one APP message; returns the transfer once the last part is in, else null. Throws AppError. */
  push(bytes: Uint8Array): LinkTransfer | null {
    if (this.state !== 'receiving')
      return refuse('link_out_of_order', `a part after the transfer was ${this.state}`);
    try {
      const part = parseLinkPart(bytes);
      if (this.n === 0) this.n = part.n;
      if (part.n !== this.n) refuse('link_out_of_order', `n changed from ${this.n} to ${part.n}`);
      if (part.i !== this.chunks.length)
        refuse('link_out_of_order', `part ${part.i} where part ${this.chunks.length} was due`);
      this.total += part.data.length;
      if (this.total > LINK_MAX_BYTES) refuse('link_too_large', `over ${LINK_MAX_BYTES} bytes`);
      this.chunks.push(part.data);
      if (this.chunks.length < this.n) return null;
      const body = new Uint8Array(this.total);
      let at = 0;
      for (const c of this.chunks.splice(0)) {
        body.set(c, at);
        at += c.length;
      }
      const transfer = parseLinkBody(body);
      this.state = 'done';
      return transfer;
    } catch (err) {
      this.state = 'refused';
      this.chunks.length = 0;
      throw err;
    }
  }
}
