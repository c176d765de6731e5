// The spliced `send` -> `message` path (src/relay/splice.ts, issue 8): it must build exactly the bytes
// out.message() builds, take over only for the canonical layout, and leave every other layout —
// including hostile ones that parseFrame accepts — to the general path.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { out, parseFrame } from '../src/relay/frames.ts';
import { messageHead, splicedMessage, spliceOffset } from '../src/relay/splice.ts';
import { createChannel, credential, login, start, type TestServer } from './helpers.ts';

const FROM = '0b6a1d4e-1f0c-4a8e-9d3a-2c1e5b7f9a10';
const MAX = 48 * 1024;

/** What the relay sends for an accepted raw `send` frame: spliced when possible, else out.message. */
function relayed(raw: string): { bytes: Buffer; spliced: boolean } {
  const r = parseFrame(raw, MAX);
  if (!r.ok || r.frame.type !== 'send') throw new Error(`not an accepted send frame: ${raw}`);
  const at = spliceOffset(Buffer.from(raw), r.frame.to);
  return at >= 0
    ? { bytes: Buffer.from(splicedMessage(messageHead(FROM), Buffer.from(raw), at)), spliced: true }
    : { bytes: Buffer.from(out.message(FROM, r.frame.data)), spliced: false };
}

describe('spliceOffset', () => {
  it('builds the same bytes as out.message for any to/data a client can send', () => {
    let spliced = 0;
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        (to, data) => {
          const raw = JSON.stringify({ type: 'send', to, data });
          const got = relayed(raw);
          if (got.spliced) spliced++;
          expect(got.bytes.toString()).toBe(out.message(FROM, data));
          expect(JSON.parse(got.bytes.toString())).toEqual({ type: 'message', from: FROM, data });
        },
      ),
      { numRuns: 2000 },
    );
    // Most random strings have no quote or backslash, so the fast path must really be taken.
    expect(spliced).toBeGreaterThan(500);
  });

  it('takes the fast path for a base64url envelope to a UUID', () => {
    const data = Buffer.from(new Uint8Array(1024).map((_, i) => i)).toString('base64url');
    const raw = JSON.stringify({ type: 'send', to: FROM, data });
    const got = relayed(raw);
    expect(got.spliced).toBe(true);
    expect(got.bytes.toString()).toBe(out.message(FROM, data));
  });

  // Each of these is accepted by parseFrame; none may be spliced (the general path re-serialises `data`,
  // so nothing the sender adds after `data` can reach the recipient).
  const hostile: Array<[string, string]> = [
    ['duplicate data key', '{"type":"send","to":"b","data":"x","data":"y"}'],
    ['duplicate type key after data', '{"type":"send","to":"b","data":"x","type":"send"}'],
    ['duplicate to key after data', '{"type":"send","to":"b","data":"x","to":"b"}'],
    ['escaped quote in data', '{"type":"send","to":"b","data":"a\\"b"}'],
    ['escaped quote and fake key in data', '{"type":"send","to":"b","data":"x\\",\\"from\\":\\"evil"}'],
    ['unicode escape in data', '{"type":"send","to":"b","data":"\\u0041"}'],
    ['escape in to', '{"type":"send","to":"\\u0062","data":"x"}'],
    ['id after data', '{"type":"send","to":"b","data":"x","id":"r1"}'],
    ['id first', '{"id":"r1","type":"send","to":"b","data":"x"}'],
    ['spaces', '{ "type":"send","to":"b","data":"x"}'],
    ['trailing space', '{"type":"send","to":"b","data":"x"} '],
    ['keys reordered', '{"type":"send","data":"x","to":"b"}'],
  ];
  for (const [name, raw] of hostile) {
    it(`leaves a frame with ${name} to the general path`, () => {
      const r = parseFrame(raw, MAX);
      expect(r.ok).toBe(true);
      const got = relayed(raw);
      expect(got.spliced).toBe(false);
      const msg = JSON.parse(got.bytes.toString());
      expect(Object.keys(msg)).toEqual(['type', 'from', 'data']);
      expect(msg.from).toBe(FROM);
    });
  }

  it('refuses a tail whose `to` length does not match the parsed one', () => {
    expect(spliceOffset(Buffer.from('{"type":"send","to":"bb","data":"x"}'), 'b')).toBe(-1);
    const raw = Buffer.from('{"type":"send","to":"b","data":"x"}');
    expect(raw.subarray(spliceOffset(raw, 'b')).toString()).toBe('x"}');
  });
});

describe('relayed messages through a real server', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await start({ limits: { credentialsPerMinute: 1000, channelsPerMinute: 1000 } });
  });
  afterAll(() => s.stop());

  it('canonical and non-canonical send frames reach the peer as the same bytes', async () => {
    const ch = await createChannel(s);
    const ca = await credential(s, ch);
    const cb = await credential(s, ch);
    const a = await login(s, ca);
    const b = await login(s, cb);
    const data = 'sealed-envelope_AZaz09-';
    const to = JSON.stringify(cb.clientId);
    const frames = [
      `{"type":"send","to":${to},"data":"${data}"}`,
      `{"type":"send","to":${to},"data":"${data}","id":"r1"}`,
      `{ "data":"${data}", "to":${to}, "type":"send" }`,
      `{"type":"send","to":${to},"data":"${data}","data":"${data}"}`,
    ];
    for (const f of frames) a.send(f);
    const expected = JSON.stringify({ type: 'message', from: ca.clientId, data });
    for (let i = 0; i < frames.length; i++) await b.next();
    expect(b.raw.slice(-frames.length)).toEqual(frames.map(() => expected));
    // A quote smuggled into data stays inside the string for the recipient.
    a.send({ type: 'send', to: cb.clientId, data: 'x","from":"evil' });
    expect(await b.next()).toEqual({ type: 'message', from: ca.clientId, data: 'x","from":"evil' });
    a.close();
    b.close();
  });
});
