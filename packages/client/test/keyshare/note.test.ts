// C2SP signed-note and tlog-checkpoint: known answers from the Go reference (golang.org/x/mod/sumdb/note
// documentation) and the C2SP spec, and refusal of every malformed or mis-signed input.
import { describe, expect, it } from 'vitest';
import {
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
} from '../../src/keyshare/checkpoint.ts';
import {
  formatSignerKey,
  formatVerifierKey,
  generateNoteSigner,
  NoteError,
  parseSignedNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  verifySignedNote,
} from '../../src/keyshare/note.ts';

const GO_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const SPEC_NOTE =
  'This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';

function code(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof NoteError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('signed note (C2SP signed-note)', () => {
  it('reproduces the Go reference signature byte for byte (Ed25519 is deterministic)', () => {
    const signer = parseSignerKey(GO_SKEY);
    expect(formatVerifierKey(signer)).toBe(GO_VKEY);
    expect(formatSignerKey(signer)).toBe(GO_SKEY);
    expect(signNote(GO_TEXT, [signer])).toBe(GO_NOTE);
    expect(verifySignedNote(GO_NOTE, [parseVerifierKey(GO_VKEY)])).toBe(GO_TEXT);
  });

  it('verifies the C2SP spec example', () => {
    expect(verifySignedNote(SPEC_NOTE, [parseVerifierKey(SPEC_VKEY)])).toBe('This is an example message.\n');
  });

  it('refuses mangled verifier and signer keys', () => {
    let refused = 0;
    for (let i = 0; i < GO_VKEY.length; i++) {
      const mangled =
        GO_VKEY.slice(0, i) + String.fromCharCode(GO_VKEY.charCodeAt(i) + 1) + GO_VKEY.slice(i + 1);
      expect(
        code(() => parseVerifierKey(mangled)),
        mangled,
      ).toBe('bad_key');
      refused++;
    }
    for (const k of [
      '',
      'PeterNeumann',
      GO_VKEY.slice(0, -4),
      `${GO_VKEY}==`,
      GO_SKEY,
      `x y+c74f20a3+${GO_VKEY.split('+')[2]}`,
    ]) {
      expect(code(() => parseVerifierKey(k))).toBe('bad_key');
      refused++;
    }
    expect(code(() => parseSignerKey(GO_VKEY))).toBe('bad_key');
    expect(code(() => parseSignerKey(GO_SKEY.replace('c74f20a3', 'c74f20a4')))).toBe('bad_key');
    expect(refused).toBeGreaterThan(60);
  });

  it('refuses malformed notes', () => {
    const v = [parseVerifierKey(GO_VKEY)];
    const cases: Record<string, string> = {
      'no final newline': GO_NOTE.slice(0, -1),
      'no blank line': GO_NOTE.replace('\n\n', '\n'),
      'control character': GO_NOTE.replace('If', 'I\u0007f'),
      'bad base64': GO_NOTE.replace('x08go', 'x08g!'),
      'short signature': `${GO_TEXT}\n\u2014 PeterNeumann AAAA\n`,
      'hyphen instead of em dash': GO_NOTE.replace('\u2014', '-'),
      'no signatures': `${GO_TEXT}\n`,
      'too many signatures': `${GO_TEXT}\n${GO_NOTE.split('\n\n')[1]!.repeat(40)}`,
    };
    for (const [name, note] of Object.entries(cases)) {
      expect(
        code(() => verifySignedNote(note, v)),
        name,
      ).toBe('malformed_note');
    }
  });

  it('refuses a bad signature by a known key and a note with no known key', () => {
    const v = [parseVerifierKey(GO_VKEY)];
    expect(code(() => verifySignedNote(GO_NOTE.replace('problem,', 'problem;'), v))).toBe('bad_signature');
    expect(code(() => verifySignedNote(GO_NOTE, [parseVerifierKey(SPEC_VKEY)]))).toBe('no_trusted_signature');
    // Same name, other key: its signature is "unknown", so nothing trusted signed.
    const impostor = generateNoteSigner('PeterNeumann');
    expect(code(() => verifySignedNote(signNote(GO_TEXT, [impostor]), v))).toBe('no_trusted_signature');
  });

  it('ignores signatures by unknown keys next to a valid one', () => {
    const w = generateNoteSigner('witness.example/w');
    const both = signNote(GO_TEXT, [w, parseSignerKey(GO_SKEY)]);
    expect(parseSignedNote(both).signatures).toHaveLength(2);
    expect(verifySignedNote(both, [parseVerifierKey(GO_VKEY)])).toBe(GO_TEXT);
  });
});

describe('checkpoint (C2SP tlog-checkpoint)', () => {
  const root = new Uint8Array(32).fill(9);

  it('round-trips and requires origin = key name', () => {
    const s = generateNoteSigner('example.org/log');
    const note = signCheckpoint({ origin: 'example.org/log', size: 12, rootHash: root }, s);
    expect(
      note.startsWith(
        `example.org/log\n12\n${Buffer.from(root).toString('base64')}\n\n\u2014 example.org/log `,
      ),
    ).toBe(true);
    const cp = openCheckpoint(note, s);
    expect(cp.size).toBe(12);
    expect(Buffer.from(cp.rootHash).equals(Buffer.from(root))).toBe(true);
    const other = signCheckpoint({ origin: 'other.org/log', size: 12, rootHash: root }, s);
    expect(code(() => openCheckpoint(other, s))).toBe('malformed_note');
  });

  it('refuses malformed bodies', () => {
    const r = Buffer.from(root).toString('base64');
    for (const text of [
      `o\n012\n${r}\n`,
      `o\n-1\n${r}\n`,
      `o\n1.0\n${r}\n`,
      `o\n99999999999999999\n${r}\n`,
      `o\n1\n${Buffer.alloc(31).toString('base64')}\n`,
      `o\n1\n`,
      `\n1\n${r}\n`,
      `o\n1\n${r}\n\nextra\n`,
      `o\n1\n${r}`,
    ]) {
      expect(
        code(() => parseCheckpoint(text)),
        JSON.stringify(text),
      ).toBe('malformed_note');
    }
    expect(parseCheckpoint(formatCheckpoint({ origin: 'o', size: 0, rootHash: root })).size).toBe(0);
    expect(parseCheckpoint(`o\n1\n${r}\next\n`).size).toBe(1); // extension lines are allowed
  });
});
