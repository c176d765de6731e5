// Application messages (docs/protocol.md Part 2, 2.12): the one format of the app and the CLI. The peer
// controls these bytes (sealed, but a buggy or hostile peer can send anything): every wrong shape is
// refused with its problem, an unknown `t` is reported as unknown (callers ignore it), nothing throws.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../../test-support/fuzz.ts';
import {
  APP_MESSAGE_MAX_BYTES,
  APP_TEXT_MAX_BYTES,
  type AppMessage,
  decodeAppMessage,
  encodeAppMessage,
} from '../../src/chat/app-message.ts';
import { SessionError } from '../../src/errors/client-errors.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const json = (v: unknown): Uint8Array => enc(JSON.stringify(v));

describe('application messages', () => {
  it('round-trips every message type', () => {
    const all: AppMessage[] = [
      { t: 'text', text: 'hello <b>' },
      { t: 'text', text: '' },
      { t: 'text', text: null },
      { t: 'text', text: 'é'.repeat(APP_TEXT_MAX_BYTES / 2) },
      { t: 'ack' },
      { t: 'ping' },
      { t: 'hangup' },
      { t: 'review' },
      { t: 'accepted' },
    ];
    for (const m of all) expect(decodeAppMessage(encodeAppMessage(m))).toEqual({ ok: true, message: m });
  });

  it('encodes exactly the documented JSON and no extra field', () => {
    expect(new TextDecoder().decode(encodeAppMessage({ t: 'text', text: 'hi' }))).toBe(
      '{"t":"text","text":"hi"}',
    );
    const sneaky = { t: 'hangup', extra: 1 } as unknown as AppMessage;
    expect(new TextDecoder().decode(encodeAppMessage(sneaky))).toBe('{"t":"hangup"}');
    expect(new TextDecoder().decode(encodeAppMessage({ t: 'review' }))).toBe('{"t":"review"}');
    expect(new TextDecoder().decode(encodeAppMessage({ t: 'accepted' }))).toBe('{"t":"accepted"}');
  });

  it('ignores extra fields and builds a fresh object (no prototype pollution)', () => {
    const r = decodeAppMessage(enc('{"t":"text","text":"x","__proto__":{"polluted":1},"more":[1]}'));
    expect(r).toEqual({ ok: true, message: { t: 'text', text: 'x' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an unknown t is unknown_type, not malformed (also the old data-channel {t:"chat"})', () => {
    for (const v of [
      { t: 'file', name: 'x' },
      { t: 'chat', text: 'x' },
    ])
      expect(decodeAppMessage(json(v))).toMatchObject({ ok: false, problem: 'unknown_type' });
  });

  const malformed: Array<[string, Uint8Array]> = [
    ['not JSON', enc('hello')],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d])],
    ['empty', new Uint8Array(0)],
    ['a JSON array', json([{ t: 'text', text: 'x' }])],
    ['JSON null', json(null)],
    ['a JSON string', json('text')],
    ['no t', json({ text: 'x' })],
    ['t not a string', json({ t: 1 })],
    ['t with odd characters', json({ t: 'Text!' })],
    ['t too long', json({ t: 'a'.repeat(33) })],
    ['text missing', json({ t: 'text' })],
    ['text a number', json({ t: 'text', text: 5 })],
    ['text an object', json({ t: 'text', text: { toString: 'x' } })],
  ];
  for (const [what, bytes] of malformed) {
    it(`refuses ${what}`, () => {
      const r = decodeAppMessage(bytes);
      expect(r).toMatchObject({ ok: false, problem: 'malformed' });
    });
  }

  it('refuses oversize content before parsing and oversize text after', () => {
    const big = new Uint8Array(APP_MESSAGE_MAX_BYTES + 1).fill(0x20);
    expect(decodeAppMessage(big)).toMatchObject({ ok: false, problem: 'too_large' });
    const longText = json({ t: 'text', text: 'x'.repeat(APP_TEXT_MAX_BYTES + 1) });
    expect(longText.length).toBeLessThanOrEqual(APP_MESSAGE_MAX_BYTES);
    expect(decodeAppMessage(longText)).toMatchObject({ ok: false, problem: 'too_large' });
    // Multi-byte characters count in bytes, not characters.
    const wide = json({ t: 'text', text: '€'.repeat(Math.floor(APP_TEXT_MAX_BYTES / 3) + 1) });
    expect(decodeAppMessage(wide)).toMatchObject({ ok: false, problem: 'too_large' });
  });

  it('the encoder refuses a text over the limit', () => {
    expect(() => encodeAppMessage({ t: 'text', text: 'x'.repeat(APP_TEXT_MAX_BYTES + 1) })).toThrow(
      SessionError,
    );
  });

  it('never throws on random bytes or random JSON', () => {
    fuzz(
      'client.app-message',
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 256 }),
          fc.json().map(enc),
          fc.record({ t: fc.string(), text: fc.anything() }).map((v) => enc(JSON.stringify(v) ?? '')),
        ),
        (bytes) => {
          const r = decodeAppMessage(bytes);
          if (r.ok) expect(['text', 'ack', 'ping', 'hangup']).toContain(r.message.t);
          else expect(['malformed', 'unknown_type', 'too_large']).toContain(r.problem);
        },
      ),
    );
  });
});
