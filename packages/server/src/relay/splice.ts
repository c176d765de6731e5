// The relayed `send` -> `message` hot path (issue 8, issue 17; docs/performance.md, "What was changed").
//
// Splicing: a `send` frame laid out exactly as {"type":"send","to":"<to>","data":"<data>"} with no `"`
// and no `\` after its first key (always so for base64url envelopes) carries <data> already in the form
// JSON.stringify would give it: no escapes are possible (control characters are refused by JSON.parse,
// lone surrogates by `ws`'s UTF-8 check). The outgoing {"type":"message","from","data"} frame can then
// reuse those bytes instead of stringifying and UTF-8-encoding `data` again. Output is byte-for-byte what
// out.message() builds; test/bench-splice.test.ts checks it on random and hostile frames.
//
// Reading without parsing (readCanonicalSend): the same canonical layout, restricted further to
// printable ASCII, is recognised straight from the bytes, so that the common relayed frame costs no
// string and no parsed object (issue 17: the parsed text and its `data` copy were ~3 KB of heap per
// relayed 1 KiB message, the relay's GC pauses at 17.5k msgs/s). It accepts only frames parseFrame
// accepts, as the same {type:'send', to, data} (test/canonical-send.test.ts checks that on random and
// mutated frames); anything else, accepted or not, is left to parseFrame, so what is refused and how
// does not change.
import { MAX_FIELD } from './frames.ts';

const SEND_HEAD = Buffer.from('{"type":"send","to":"');
const DATA_KEY = Buffer.from('","data":"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSE_BRACE = 0x7d;
const MIN = SEND_HEAD.length + DATA_KEY.length + 2;

/**
 * Where `<data>` starts when `raw` is laid out as {"type":"send","to":"<to>","data":"<data>"} up to its
 * first quote after the head and ends with `"}`, or -1. Says nothing yet about what <to> and <data> hold.
 */
function layoutDataAt(raw: Buffer): number {
  const n = raw.length;
  if (n < MIN || raw[n - 1] !== CLOSE_BRACE || raw[n - 2] !== QUOTE) return -1;
  if (SEND_HEAD.compare(raw, 0, SEND_HEAD.length) !== 0) return -1;
  // Found: the quote at n - 2 is one. The data key and the closing `"}` must fit after it.
  const toEnd = raw.indexOf(QUOTE, SEND_HEAD.length);
  const dataAt = toEnd + DATA_KEY.length;
  if (dataAt > n - 2 || DATA_KEY.compare(raw, toEnd, dataAt) !== 0) return -1;
  return dataAt;
}

/**
 * Where `<data>` starts in a canonical `send` frame addressed to `to`, or -1 when the frame is laid out
 * any other way. `raw` must be a frame parseFrame accepted as {type:'send', to, data}.
 */
export function spliceOffset(raw: Buffer, to: string): number {
  const dataAt = layoutDataAt(raw);
  if (dataAt < 0 || raw.indexOf(BACKSLASH, SEND_HEAD.length) !== -1) return -1;
  if (dataAt - DATA_KEY.length - SEND_HEAD.length !== to.length) return -1;
  // The only quote left must be the one closing `data`, right before the final brace.
  return raw.indexOf(QUOTE, dataAt) === raw.length - 2 ? dataAt : -1;
}

/** True when raw[from, to) is printable ASCII (0x20-0x7e) without `"` or `\`: a JSON string body as is. */
function plainAscii(raw: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const b = raw[i] as number;
    if (b < 0x20 || b > 0x7e || b === QUOTE || b === BACKSLASH) return false;
  }
  return true;
}

export interface CanonicalSend {
  to: string;
  /** Offset of `<data>` in the frame (the spliceOffset). */
  dataAt: number;
}

/**
 * A `send` frame in the canonical layout whose `to` and `data` are printable ASCII without `"` or `\`,
 * `to` at most MAX_FIELD and `data` at most `maxDataBytes` long — exactly parseFrame's rules for such a
 * frame (1.4) — or undefined: then parseFrame decides.
 */
export function readCanonicalSend(raw: Buffer, maxDataBytes: number): CanonicalSend | undefined {
  const dataAt = layoutDataAt(raw);
  if (dataAt < 0) return undefined;
  const toAt = SEND_HEAD.length;
  const toEnd = dataAt - DATA_KEY.length;
  const dataEnd = raw.length - 2;
  if (toEnd - toAt > MAX_FIELD || !plainAscii(raw, toAt, toEnd)) return undefined;
  if (dataEnd - dataAt > maxDataBytes || !plainAscii(raw, dataAt, dataEnd)) return undefined;
  return { to: raw.toString('latin1', toAt, toEnd), dataAt };
}

/** `{"type":"message","from":"<from>","data":"` (from is a server-issued UUID). */
export function messageHead(from: string): string {
  return `{"type":"message","from":"${from}","data":"`;
}

/**
 * The outgoing `message` frame: `head` then the sender's `<data>"}` from `dataAt` on (valid UTF-8: `ws`
 * checked it). A string, not a new Buffer: it lives and dies in V8's young generation, and the socket
 * write copies it out; a Buffer per message took a fresh 8 KiB pool slab every few messages, external
 * memory whose pressure started a Mark-Compact every 1-2 s at 25k msgs/s (docs/performance.md).
 */
export function splicedMessage(head: string, raw: Buffer, dataAt: number): string {
  return head + raw.toString('utf8', dataAt);
}
