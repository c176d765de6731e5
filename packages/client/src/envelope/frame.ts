// Frame codec (docs/protocol.md Part 2, 2.1): version ‖ type ‖ sid ‖ counter ‖ body.
// Pure parsing: every input either decodes or throws EnvelopeError('malformed' | 'bad_version').
import { EnvelopeError } from '../errors/client-errors.ts';
import { decodeBase64url, encodeBase64url } from './base64url.ts';

export const FRAME_VERSION = 1;
export const HEADER_BYTES = 26;
export const SID_BYTES = 16;
/** 48 KiB of base64url (Part 1 `data` limit) holds 36 864 bytes. */
export const MAX_FRAME_BYTES = 36_864;
export const MAX_DATA_CHARS = 49_152;

export const FrameType = {
  HELLO: 0x01,
  HANDSHAKE: 0x02,
  SEALED: 0x03,
  ABORT: 0x04,
  PAKE1: 0x05,
  PAKE2: 0x06,
} as const;
export type FrameTypeValue = (typeof FrameType)[keyof typeof FrameType];

export const PairingPath = { INVITE: 0x01, CODE: 0x02, KNOWN: 0x03, REQUEST: 0x04 } as const;
export type PairingPathValue = (typeof PairingPath)[keyof typeof PairingPath];

export interface Frame {
  type: FrameTypeValue;
  sid: Uint8Array;
  counter: bigint;
  body: Uint8Array;
}

const TAG_BYTES = 16;
// CPace MSG = lv_cat(Y, AD) with an empty AD: 1 + 32 + 1 bytes.
const CPACE_MSG_BYTES = 34;
// PAKE2 = CPace MSG ‖ the shower's 32-byte key confirmation tag (2.7).
const PAKE2_TAG_BYTES = 32;

/** Minimal and maximal body sizes per type (2.1); SEALED bodies are checked against buckets later. */
function bodyOk(type: number, len: number): boolean {
  switch (type) {
    case FrameType.HELLO:
      return len >= 1 + 32;
    case FrameType.HANDSHAKE:
      return len >= 32;
    case FrameType.SEALED:
      return len >= 256 + TAG_BYTES;
    case FrameType.ABORT:
      return len === 1;
    case FrameType.PAKE1:
      return len === 2 + CPACE_MSG_BYTES;
    case FrameType.PAKE2:
      return len === CPACE_MSG_BYTES + PAKE2_TAG_BYTES;
    default:
      return false;
  }
}

export function encodeHeader(type: FrameTypeValue, sid: Uint8Array, counter: bigint): Uint8Array {
  if (sid.length !== SID_BYTES) throw new EnvelopeError('malformed', 'sid must be 16 bytes');
  const h = new Uint8Array(HEADER_BYTES);
  h[0] = FRAME_VERSION;
  h[1] = type;
  h.set(sid, 2);
  new DataView(h.buffer).setBigUint64(18, counter);
  return h;
}

export function encodeFrame(f: Frame): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + f.body.length);
  out.set(encodeHeader(f.type, f.sid, f.counter), 0);
  out.set(f.body, HEADER_BYTES);
  if (out.length > MAX_FRAME_BYTES) throw new EnvelopeError('malformed', 'frame over the size limit');
  return out;
}

export function decodeFrame(bytes: Uint8Array): Frame {
  if (!(bytes instanceof Uint8Array)) throw new EnvelopeError('malformed', 'frame must be bytes');
  if (bytes.length < HEADER_BYTES) throw new EnvelopeError('malformed', 'frame shorter than its header');
  if (bytes.length > MAX_FRAME_BYTES) throw new EnvelopeError('malformed', 'frame over the size limit');
  if (bytes[0] !== FRAME_VERSION) throw new EnvelopeError('bad_version', `frame version ${bytes[0]}`);
  const type = bytes[1]!;
  const body = bytes.slice(HEADER_BYTES);
  if (!bodyOk(type, body.length)) throw new EnvelopeError('malformed', `bad type ${type} or body size`);
  const counter = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(18);
  return { type: type as FrameTypeValue, sid: bytes.slice(2, 2 + SID_BYTES), counter, body };
}

/** Frame → relay `data` string. */
export function frameToData(f: Frame): string {
  return encodeBase64url(encodeFrame(f));
}

/** Relay `data` string → frame; throws EnvelopeError for anything else. */
export function dataToFrame(data: unknown): Frame {
  if (typeof data !== 'string' || data.length > MAX_DATA_CHARS)
    throw new EnvelopeError('malformed', 'data must be a string of at most 48 KiB');
  const bytes = decodeBase64url(data);
  if (!bytes) throw new EnvelopeError('malformed', 'data is not canonical base64url');
  return decodeFrame(bytes);
}

/** The header bytes of a decoded frame (used as associated data). */
export function headerOf(f: Frame): Uint8Array {
  return encodeHeader(f.type, f.sid, f.counter);
}
