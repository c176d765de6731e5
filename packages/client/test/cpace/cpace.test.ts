// CPace behaviour with random scalars, and every malformed peer message a relay could send.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CPACE_MAX_AD,
  type CpaceOptions,
  cpaceInit,
  deriveNoisePsk,
  lexicographicallyLarger,
  lvCat,
  oCat,
  parseLvCat,
  prependLen,
} from '../../src/cpace/index.ts';
import { concatBytes, fromHex, toHex, utf8 } from '../../src/crypto/bytes.ts';
import { ready } from '../../src/crypto/sodium.ts';
import { codeOf } from '../crypto/error-code.ts';

beforeAll(async () => {
  await ready();
});

const base = (over: Partial<CpaceOptions> = {}): CpaceOptions => ({
  prs: utf8('493817'),
  ci: utf8('sealpeer/v1 short-code channel-1'),
  sid: fromHex('00112233445566778899aabbccddeeff'),
  ad: utf8('A'),
  role: 'initiator',
  ...over,
});

function run(a: Partial<CpaceOptions>, b: Partial<CpaceOptions>): [Uint8Array, Uint8Array] {
  const sa = cpaceInit(base(a));
  const sb = cpaceInit(base({ ad: utf8('B'), role: 'responder', ...b }));
  return [sa.finish(sb.message), sb.finish(sa.message)];
}

describe('CPace with random scalars', () => {
  it('agrees on a 64-byte ISK in both modes, and a fresh ISK each run', () => {
    const [a, b] = run({}, {});
    expect(a).toHaveLength(64);
    expect(toHex(a)).toBe(toHex(b));
    const [c] = run({}, {});
    expect(toHex(c)).not.toBe(toHex(a));
    const [s1, s2] = run({ role: 'symmetric' }, { role: 'symmetric' });
    expect(toHex(s1)).toBe(toHex(s2));
  });

  it('a wrong code, another sid, another ci or mismatched roles give different keys (no error to probe)', () => {
    for (const b of [
      { prs: utf8('493818') },
      { sid: fromHex('00112233445566778899aabbccddeefe') },
      { ci: utf8('another channel') },
      { role: 'initiator' as const },
    ]) {
      const [ka, kb] = run({}, b);
      expect(toHex(ka)).not.toBe(toHex(kb));
    }
  });

  it('the message is lv_cat(Y, AD) and carries nothing derived from the code in clear', () => {
    const s = cpaceInit(base({ ad: utf8('hello') }));
    expect(s.message).toHaveLength(1 + 32 + 1 + 5);
    expect(toHex(s.message)).not.toContain(toHex(utf8('493817')));
  });
});

describe('CPace refuses malformed peer messages', () => {
  const peer = () => cpaceInit(base({ role: 'responder', ad: utf8('B') })).message;
  const cases: Array<[string, () => Uint8Array, string]> = [
    ['empty', () => new Uint8Array(0), 'bad_message'],
    ['truncated Y', () => peer().slice(0, 20), 'bad_message'],
    ['missing AD field', () => peer().slice(0, 33), 'bad_message'],
    ['trailing byte', () => concatBytes(peer(), new Uint8Array([0])), 'bad_message'],
    ['non-minimal length', () => concatBytes(new Uint8Array([0xa0, 0x00]), peer().slice(1)), 'bad_message'],
    ['oversize AD', () => lvCat(peer().slice(1, 33), new Uint8Array(CPACE_MAX_AD + 1)), 'bad_message'],
    ['31-byte Y', () => lvCat(new Uint8Array(31).fill(2), utf8('B')), 'invalid_point'],
    ['identity Y', () => lvCat(new Uint8Array(32), utf8('B')), 'invalid_point'],
    ['negative (odd) encoding', () => lvCat(fromHex(`01${'00'.repeat(31)}`), utf8('B')), 'invalid_point'],
    ['non-canonical encoding', () => lvCat(new Uint8Array(32).fill(0xff), utf8('B')), 'invalid_point'],
    ['length field overflow', () => new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x7f]), 'bad_message'],
  ];
  it.each(cases)('%s', (_name, msg, code) => {
    const s = cpaceInit(base());
    expect(codeOf(() => s.finish(msg()))).toBe(code);
    // the session is dead afterwards: even the genuine message is refused
    expect(codeOf(() => s.finish(peer()))).toBe('bad_state');
  });

  it('refuses its own message reflected back (any AD), in both modes', () => {
    for (const role of ['initiator', 'symmetric'] as const) {
      const s = cpaceInit(base({ role }));
      const reflected = lvCat(s.message.slice(1, 33), utf8('B'));
      expect(codeOf(() => s.finish(reflected))).toBe('bad_message');
    }
  });

  it('finish() runs once', () => {
    const a = cpaceInit(base());
    const b = cpaceInit(base({ role: 'responder' }));
    a.finish(b.message);
    expect(codeOf(() => a.finish(b.message))).toBe('bad_state');
  });

  it('refuses malformed local options', () => {
    expect(codeOf(() => cpaceInit(base({ prs: new Uint8Array(0) })))).toBe('bad_input');
    expect(codeOf(() => cpaceInit(base({ role: 'server' as never })))).toBe('bad_input');
    expect(codeOf(() => cpaceInit(base({ sid: 'abc' as never })))).toBe('bad_input');
    expect(codeOf(() => cpaceInit(base({ ad: new Uint8Array(CPACE_MAX_AD + 1) })))).toBe('bad_input');
    expect(codeOf(() => cpaceInit(base({ scalar: new Uint8Array(32) })))).toBe('bad_input');
    expect(codeOf(() => cpaceInit(base({ scalar: new Uint8Array(31).fill(1) })))).toBe('bad_input');
  });
});

describe('CPace encodings (§3.1)', () => {
  it('prepend_len uses LEB128 and parseLvCat inverts lv_cat', () => {
    expect(toHex(prependLen(new Uint8Array(0)))).toBe('00');
    expect(toHex(prependLen(new Uint8Array(127)).slice(0, 1))).toBe('7f');
    expect(toHex(prependLen(new Uint8Array(128)).slice(0, 2))).toBe('8001');
    expect(toHex(prependLen(new Uint8Array(300)).slice(0, 2))).toBe('ac02');
    const parts = [new Uint8Array(0), new Uint8Array(200).fill(3), utf8('x')];
    expect(parseLvCat(lvCat(...parts), 3, 1000).map(toHex)).toEqual(parts.map(toHex));
  });

  it('o_cat orders by lexiographically_larger, prefix shorter first', () => {
    expect(lexicographicallyLarger(utf8('b'), utf8('a'))).toBe(true);
    expect(lexicographicallyLarger(utf8('a'), utf8('ab'))).toBe(false);
    expect(lexicographicallyLarger(utf8('ab'), utf8('a'))).toBe(true);
    expect(lexicographicallyLarger(utf8('a'), utf8('a'))).toBe(false);
    expect(toHex(oCat(utf8('a'), utf8('b')))).toBe(toHex(utf8('ocba')));
    expect(toHex(oCat(utf8('b'), utf8('a')))).toBe(toHex(utf8('ocba')));
  });
});

describe('deriveNoisePsk', () => {
  it('is deterministic, 32 bytes, and bound to its label and ISK', () => {
    const [isk] = run({}, {});
    const p = deriveNoisePsk(isk, 'short-code XXpsk3');
    expect(p).toHaveLength(32);
    expect(toHex(deriveNoisePsk(isk, 'short-code XXpsk3'))).toBe(toHex(p));
    expect(toHex(deriveNoisePsk(isk, 'another purpose'))).not.toBe(toHex(p));
    const other = isk.slice();
    other[0]! ^= 1;
    expect(toHex(deriveNoisePsk(other, 'short-code XXpsk3'))).not.toBe(toHex(p));
  });

  it('refuses a wrong-size ISK and empty or overlong labels', () => {
    expect(codeOf(() => deriveNoisePsk(new Uint8Array(32), 'x'))).toBe('bad_input');
    expect(codeOf(() => deriveNoisePsk(new Uint8Array(64), ''))).toBe('bad_input');
    expect(codeOf(() => deriveNoisePsk(new Uint8Array(64), 'x'.repeat(65)))).toBe('bad_input');
  });
});
