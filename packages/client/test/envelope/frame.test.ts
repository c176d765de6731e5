// Frame codec and strict base64url (docs/protocol.md Part 2, 2.1): one test per rule, plus properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../../test-support/fuzz.ts';
import { decodeBase64url, encodeBase64url } from '../../src/envelope/base64url.ts';
import {
  dataToFrame,
  decodeFrame,
  encodeFrame,
  type Frame,
  FrameType,
  frameToData,
  HEADER_BYTES,
  MAX_FRAME_BYTES,
} from '../../src/envelope/frame.ts';
import { EnvelopeError } from '../../src/errors/client-errors.ts';
import { codeOf } from '../support/typed-error.ts';

const sid = new Uint8Array(16).fill(7);
const frame = (type: Frame['type'], body: Uint8Array, counter = 5n): Frame => ({ type, sid, counter, body });
const code = (f: () => unknown) => codeOf(EnvelopeError, f);

describe('frame layout', () => {
  it('encodes version, type, sid, big-endian counter, body at the documented offsets', () => {
    const b = encodeFrame(frame(FrameType.ABORT, new Uint8Array([9]), 0x0102030405060708n));
    expect(b.length).toBe(HEADER_BYTES + 1);
    expect(b[0]).toBe(1);
    expect(b[1]).toBe(FrameType.ABORT);
    expect([...b.slice(2, 18)]).toEqual([...sid]);
    expect([...b.slice(18, 26)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(b[26]).toBe(9);
  });

  it('round-trips every type through the relay data string', () => {
    const bodies: Array<[Frame['type'], number]> = [
      [FrameType.HELLO, 97],
      [FrameType.HANDSHAKE, 48],
      [FrameType.SEALED, 256 + 16],
      [FrameType.ABORT, 1],
      [FrameType.PAKE1, 36],
      [FrameType.PAKE2, 66],
    ];
    for (const [type, n] of bodies) {
      const f = frame(type, new Uint8Array(n).fill(type), 2n ** 64n - 1n);
      expect(dataToFrame(frameToData(f))).toEqual(f);
    }
  });

  it('refuses a frame shorter than its header, or over the size limit (malformed)', () => {
    expect(code(() => decodeFrame(new Uint8Array(25)))).toBe('malformed');
    const big = new Uint8Array(MAX_FRAME_BYTES + 1);
    big[0] = 1;
    big[1] = FrameType.SEALED;
    expect(code(() => decodeFrame(big))).toBe('malformed');
    expect(code(() => dataToFrame('A'.repeat(49_153)))).toBe('malformed');
  });

  it('refuses any version but 1 (bad_version)', () => {
    const b = encodeFrame(frame(FrameType.ABORT, new Uint8Array([1])));
    for (const v of [0, 2, 255]) {
      b[0] = v;
      expect(code(() => decodeFrame(b))).toBe('bad_version');
    }
  });

  it('refuses unknown types and bodies of the wrong size for their type (malformed)', () => {
    const b = encodeFrame(frame(FrameType.ABORT, new Uint8Array([1])));
    for (const t of [0, 7, 0x80, 255]) {
      b[1] = t;
      expect(code(() => decodeFrame(b))).toBe('malformed');
    }
    for (const [type, n] of [
      [FrameType.ABORT, 2],
      [FrameType.ABORT, 0],
      [FrameType.PAKE1, 35],
      [FrameType.PAKE2, 34],
      [FrameType.SEALED, 271],
      [FrameType.HELLO, 10],
      [FrameType.HANDSHAKE, 31],
    ] as const)
      expect(code(() => decodeFrame(encodeFrame(frame(type, new Uint8Array(n)))))).toBe('malformed');
  });

  it('refuses data that is not a string or not canonical base64url (malformed)', () => {
    for (const d of [42, null, {}, 'abc=', 'ab+c', 'a b', 'A', 'AB', '\u00e9AAA'])
      expect(code(() => dataToFrame(d))).toBe('malformed');
  });
});

describe('strict base64url', () => {
  it('matches Buffer base64url on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        const s = encodeBase64url(b);
        expect(s).toBe(Buffer.from(b).toString('base64url'));
        expect(decodeBase64url(s)).toEqual(b);
      }),
    );
  });

  it('refuses non-zero unused trailing bits, so one altered character always changes the bytes or fails', () => {
    expect(decodeBase64url('AB')).toBeUndefined(); // 'B' sets an unused bit
    expect(decodeBase64url('AQ')).toEqual(new Uint8Array([1]));
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.nat(),
        fc.integer({ min: 0, max: 63 }),
        (b, pos, ch) => {
          const s = encodeBase64url(b);
          const i = pos % s.length;
          const c = alphabet[ch]!;
          fc.pre(c !== s[i]);
          const altered = decodeBase64url(s.slice(0, i) + c + s.slice(i + 1));
          expect(altered === undefined || Buffer.compare(Buffer.from(altered), Buffer.from(b)) !== 0).toBe(
            true,
          );
        },
      ),
    );
  });
});

describe('property: parsers never throw anything but EnvelopeError', () => {
  it('decodeFrame(random bytes)', () => {
    fuzz(
      'client.envelope.decodeFrame',
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (b, fixVersion) => {
        if (fixVersion && b.length > 0) b[0] = 1;
        try {
          decodeFrame(b);
        } catch (e) {
          expect(e).toBeInstanceOf(EnvelopeError);
          expect(['malformed', 'bad_version']).toContain((e as EnvelopeError).code);
        }
      }),
    );
  });

  it('dataToFrame(random strings and values)', () => {
    fuzz(
      'client.envelope.dataToFrame',
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.base64String(), fc.anything()), (d) => {
        try {
          dataToFrame(d);
        } catch (e) {
          expect(e).toBeInstanceOf(EnvelopeError);
        }
      }),
    );
  });
});
