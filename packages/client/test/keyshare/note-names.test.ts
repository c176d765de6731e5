// signed-note key names (https://c2sp.org/signed-note §Format): non-empty, no Unicode White_Space, no
// '+'. Every White_Space code point (Unicode PropList.txt) is refused in the name, U+FEFF and other
// non-White_Space format characters are accepted, and Go's golang.org/x/mod/sumdb/note agrees on each.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  formatVerifierKey,
  generateNoteSigner,
  isValidKeyName,
  NoteError,
  parseSignedNote,
  parseVerifierKey,
  signNote,
  verifySignedNote,
} from '../../src/keyshare/note.ts';
import { buildGoProgram } from '../support/go.ts';
import { codeOf } from '../support/typed-error.ts';

// Unicode 15 PropList.txt, White_Space: 25 code points.
const WHITE_SPACE = [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
  0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
];
// Not White_Space, though some look like spaces or were once (U+180E until Unicode 6.3; U+FEFF is in
// JavaScript's \s but not White_Space).
const NOT_WHITE_SPACE = [0xfeff, 0x200b, 0x200c, 0x200d, 0x180e, 0x2060, 0xe9, 0x1f600];

const nameWith = (cp: number): string => `log${String.fromCodePoint(cp)}example`;
const publicKey = generateNoteSigner('k').publicKey;
const vkeyWith = (name: string): string => formatVerifierKey({ name, publicKey });

const noteCode = (f: () => unknown): string => codeOf(NoteError, f);

describe('signed-note key names', () => {
  it('lists the 25 White_Space code points and checks every one of them', () => {
    expect(WHITE_SPACE).toHaveLength(25);
    expect(WHITE_SPACE.every((cp) => /\p{White_Space}/u.test(String.fromCodePoint(cp)))).toBe(true);
    expect(NOT_WHITE_SPACE.some((cp) => /\p{White_Space}/u.test(String.fromCodePoint(cp)))).toBe(false);
  });

  it('refuses every White_Space code point and "+" in a name, everywhere a name is read', () => {
    for (const cp of [...WHITE_SPACE, 0x2b]) {
      const name = nameWith(cp);
      const label = `U+${cp.toString(16).padStart(4, '0')}`;
      expect(isValidKeyName(name), label).toBe(false);
      expect(
        noteCode(() => generateNoteSigner(name)),
        label,
      ).toBe('bad_key');
      expect(
        noteCode(() => parseVerifierKey(vkeyWith(name))),
        label,
      ).toBe('bad_key');
    }
    // U+0085 in particular: accepted before (JavaScript's \s lacks it), a key Go's note refuses.
    expect(isValidKeyName('a\u0085b')).toBe(false);
  });

  it('accepts U+FEFF and other non-White_Space characters; notes sign and verify under such names', () => {
    for (const cp of NOT_WHITE_SPACE) {
      const name = nameWith(cp);
      expect(isValidKeyName(name), `U+${cp.toString(16)}`).toBe(true);
      const signer = generateNoteSigner(name);
      const verifier = parseVerifierKey(formatVerifierKey(signer));
      const note = signNote('hello\n', [signer]);
      expect(parseSignedNote(note).signatures[0]?.name).toBe(name);
      expect(verifySignedNote(note, [verifier])).toBe('hello\n');
    }
  });

  it('refuses empty names, lone surrogates and ASCII controls (stricter than Go on controls)', () => {
    expect(isValidKeyName('')).toBe(false);
    expect(isValidKeyName('a\ud800b')).toBe(false);
    expect(isValidKeyName('a\u0001b')).toBe(false);
  });

  it("agrees with Go's sumdb/note.NewVerifier on every code point tested", () => {
    const run = buildGoProgram(join(dirname(fileURLToPath(import.meta.url)), 'go-note-names'));
    const cases = [...WHITE_SPACE, 0x2b, ...NOT_WHITE_SPACE];
    const input = cases.map((cp) => Buffer.from(vkeyWith(nameWith(cp)), 'utf8').toString('hex')).join('\n');
    const go = run(`${input}\n`).trim().split('\n');
    expect(go).toHaveLength(cases.length);
    cases.forEach((cp, i) => {
      const ours = isValidKeyName(nameWith(cp)) ? 'ok' : 'refused';
      expect(go[i], `U+${cp.toString(16)}`).toBe(ours);
    });
    expect(go.filter((r) => r === 'refused')).toHaveLength(WHITE_SPACE.length + 1);
  });
});
