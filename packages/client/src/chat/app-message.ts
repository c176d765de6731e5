// Application messages: the one format the browser app and the `sealpeer` CLI put inside sealed APP
// messages (docs/protocol.md Part 2, 2.12). UTF-8 JSON objects with a string `t`; every field is
// validated here before anything is typed, and an unknown `t` is reported as such (callers ignore it).
import { SessionError } from '../errors/client-errors.ts';

/** Longest APP content looked at (bytes); longer is refused before JSON parsing (2.12). */
export const APP_MESSAGE_MAX_BYTES = 24_576;
/** Longest `text` of a text message, in UTF-8 bytes (2.12). */
export const APP_TEXT_MAX_BYTES = 16_384;

export type AppMessage =
  /** A chat line; `null`: "nothing to say" (the CLI without --send), acknowledged all the same. */
  | { t: 'text'; text: string | null }
  /** Receipt of one text message (one ack per text, in order). */
  | { t: 'ack' }
  /** Keep-alive while waiting, so that a dropped frame shows as a counter gap; never answered. */
  | { t: 'ping' }
  /** The sender ended its audio/video call: stop this side's call too. */
  | { t: 'hangup' }
  /** The sender holds the receiver's changed identity key for its user to review (2.12). */
  | { t: 'review' }
  /** The sender's user accepted the receiver's changed key (2.12, key-change review). */
  | { t: 'accepted' };

export type AppMessageProblem = 'too_large' | 'malformed' | 'unknown_type';

export type DecodedAppMessage =
  | { ok: true; message: AppMessage }
  | { ok: false; problem: AppMessageProblem; detail: string };

const T_SHAPE = /^[a-z][a-z0-9_-]{0,31}$/;
const utf8Length = (s: string): number => new TextEncoder().encode(s).length;

function refuse(problem: AppMessageProblem, detail: string): DecodedAppMessage {
  return { ok: false, problem, detail };
}

/** Validates one APP content field by field. Extra fields are ignored; an unknown `t` is `unknown_type`. */
export function decodeAppMessage(bytes: Uint8Array): DecodedAppMessage {
  if (bytes.length > APP_MESSAGE_MAX_BYTES)
    return refuse('too_large', `${bytes.length} bytes (at most ${APP_MESSAGE_MAX_BYTES})`);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return refuse('malformed', 'not UTF-8 JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return refuse('malformed', 'not a JSON object');
  const t: unknown = Reflect.get(value, 't');
  if (typeof t !== 'string' || !T_SHAPE.test(t)) return refuse('malformed', 'no valid "t" field');
  switch (t) {
    case 'text': {
      const text: unknown = Reflect.get(value, 'text');
      if (text === null) return { ok: true, message: { t, text: null } };
      if (typeof text !== 'string') return refuse('malformed', '"text" is not a string or null');
      if (utf8Length(text) > APP_TEXT_MAX_BYTES)
        return refuse('too_large', `"text" is longer than ${APP_TEXT_MAX_BYTES} bytes`);
      return { ok: true, message: { t, text } };
    }
    case 'ack':
    case 'ping':
    case 'hangup':
    case 'review':
    case 'accepted':
      return { ok: true, message: { t } };
    default:
      return refuse('unknown_type', `unknown "t": ${t}`);
  }
}

/** Encodes one application message; a text over the limit throws SessionError `bad_argument`. */
export function encodeAppMessage(m: AppMessage): Uint8Array {
  if (m.t === 'text' && m.text !== null && utf8Length(m.text) > APP_TEXT_MAX_BYTES)
    throw new SessionError('bad_argument', `a text is at most ${APP_TEXT_MAX_BYTES} bytes of UTF-8`);
  const plain: AppMessage = m.t === 'text' ? { t: 'text', text: m.text } : { t: m.t };
  return new TextEncoder().encode(JSON.stringify(plain));
}
