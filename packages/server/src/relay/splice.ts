// Splicing the relayed `data` value (issue 8; docs/performance.md, "What was changed"). A `send` frame
// laid out exactly as {"type":"send","to":"<to>","data":"<data>"} with no `"` and no `\` after its
// first key (always so for base64url envelopes) carries <data> already in the form JSON.stringify would
// give it: no escapes are possible (control characters are refused by JSON.parse, lone surrogates by
// `ws`'s UTF-8 check). The outgoing {"type":"message","from","data"} frame can then reuse those bytes
// instead of stringifying and UTF-8-encoding `data` again. This runs only AFTER parseFrame accepted the
// frame (JSON.parse + field checks), so it never changes what is accepted; any other layout (an id,
// spaces, another key order, an escape) takes the general path. Output is byte-for-byte what
// out.message() builds; test/bench-splice.test.ts checks it on random and hostile frames.

const SEND_HEAD = Buffer.from('{"type":"send","to":"');
const DATA_KEY = Buffer.from('","data":"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSE_BRACE = 0x7d;
const MIN = SEND_HEAD.length + DATA_KEY.length + 2;

/**
 * The bytes `<data>"}` of a canonical `send` frame addressed to `to`, or undefined when the frame is laid
 * out any other way. `raw` must be a frame parseFrame accepted as {type:'send', to, data}.
 */
export function spliceableTail(raw: Buffer, to: string): Buffer | undefined {
  const n = raw.length;
  if (n < MIN || raw[n - 1] !== CLOSE_BRACE || raw[n - 2] !== QUOTE) return undefined;
  if (SEND_HEAD.compare(raw, 0, SEND_HEAD.length) !== 0) return undefined;
  if (raw.indexOf(BACKSLASH, SEND_HEAD.length) !== -1) return undefined;
  const toEnd = raw.indexOf(QUOTE, SEND_HEAD.length);
  if (toEnd - SEND_HEAD.length !== to.length) return undefined;
  if (DATA_KEY.compare(raw, toEnd, toEnd + DATA_KEY.length) !== 0) return undefined;
  const start = toEnd + DATA_KEY.length;
  // The only quote left must be the one closing `data`, right before the final brace.
  if (raw.indexOf(QUOTE, start) !== n - 2) return undefined;
  return raw.subarray(start);
}

/** `{"type":"message","from":"<from>","data":"` as bytes (from is a server-issued UUID). */
export function messageHead(from: string): Buffer {
  return Buffer.from(`{"type":"message","from":"${from}","data":"`);
}
