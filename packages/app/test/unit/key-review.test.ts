// Key-change review messages (docs/protocol.md 2.13) come from the peer over the sealed session: the
// parser takes exactly {"t":"review"} / {"t":"accepted"} and leaves everything else to other handlers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseReview, reviewMessage } from '../../src/core/key-review.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('key-change review messages', () => {
  it('round-trips both kinds, byte for byte as documented', () => {
    expect(reviewMessage('review')).toBe('{"t":"review"}');
    expect(reviewMessage('accepted')).toBe('{"t":"accepted"}');
    expect(parseReview(utf8(reviewMessage('review')))).toBe('review');
    expect(parseReview(utf8(reviewMessage('accepted')))).toBe('accepted');
  });

  it('ignores other kinds, wrong types, oversize, non-JSON and non-UTF-8', () => {
    const bad: Uint8Array[] = [
      utf8('{"t":"chat","text":"review"}'),
      utf8('{"t":"Review"}'),
      utf8('{"t":["review"]}'),
      utf8('["review"]'),
      utf8('"review"'),
      utf8('null'),
      utf8('review'),
      utf8(''),
      utf8(`{"t":"review","pad":"${'x'.repeat(64)}"}`),
      new Uint8Array([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
      'not bytes' as never,
    ];
    for (const b of bad) expect(parseReview(b)).toBeUndefined();
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        const r = parseReview(b);
        expect(r === undefined || r === 'review' || r === 'accepted').toBe(true);
      }),
    );
  });
});
