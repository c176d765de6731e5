// The release layer's view of signed notes (format itself: ../keyshare/note.test.ts): error codes,
// byte input, key labels, and the Ed25519 verification every release note goes through.
import { hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { loadVectorJson } from '../../../../test-support/vectors.ts';
import {
  ed25519Verify,
  formatSignerKey,
  formatVerifierKey,
  generateSigner,
  keyLabel,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from '../../src/release/index.ts';

// The reference implementation's published example (golang.org/x/mod/sumdb/note): our release notes
// must open with Go tooling's keys and reproduce its signature.
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_SIG = 'x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=';
const GO_NOTE = `${GO_TEXT}\n\u2014 PeterNeumann ${GO_SIG}\n`;

const code = (c: string) => expect.objectContaining({ name: 'ReleaseError', code: c });

describe('release notes', () => {
  const v = parseVerifierKey(`${GO_VKEY}\n`);
  const other = generateSigner('someone.else');

  it('interoperates with the reference keys and names the key for users', () => {
    expect(signNote(GO_TEXT, parseSignerKey(GO_SKEY))).toBe(GO_NOTE);
    expect(openNote(new TextEncoder().encode(GO_NOTE), v).text).toBe(GO_TEXT);
    expect(keyLabel(v)).toBe('PeterNeumann+c74f20a3');
    expect(formatVerifierKey(v)).toBe(GO_VKEY);
    const s = generateSigner('rel.example/app');
    expect(parseSignerKey(formatSignerKey(s)).publicKey).toEqual(s.publicKey);
  });

  it('ignores other keys but needs the pinned one', () => {
    const otherLine = signNote(GO_TEXT, other).slice(GO_TEXT.length + 1);
    expect(openNote(`${GO_TEXT}\n${otherLine}\u2014 PeterNeumann ${GO_SIG}\n`, v).verifiedBy).toBe(v);
    expect(() => openNote(`${GO_TEXT}\n${otherLine}`, v)).toThrow(code('unverified_note'));
  });

  it('maps every failure to a release error code', () => {
    expect(() => openNote(GO_NOTE.replace('problem,', 'problem;'), v)).toThrow(code('unverified_note'));
    expect(() => openNote(GO_NOTE, { ...v, publicKey: other.publicKey })).toThrow(code('unverified_note'));
    for (const bad of [
      '',
      GO_TEXT,
      GO_NOTE.slice(0, -1),
      GO_NOTE.replace('\u2014', '--'),
      `${GO_TEXT}\n\u2014 PeterNeumann AAAA\n`,
    ])
      expect(() => openNote(bad, v), JSON.stringify(bad).slice(0, 40)).toThrow(code('bad_note'));
    expect(() => openNote(Uint8Array.of(0xff, 0x0a, 0x0a), v)).toThrow(code('bad_note'));
    expect(() => openNote(new Uint8Array(70_000).fill(0x41), v)).toThrow(code('bad_note'));
    for (const k of [
      '',
      'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      GO_SKEY,
      'a+b+c',
    ])
      expect(() => parseVerifierKey(k)).toThrow(code('bad_key'));
    expect(() => parseSignerKey(GO_VKEY)).toThrow(code('bad_key'));
    expect(() => generateSigner('bad name')).toThrow(code('bad_key'));
    expect(() => signNote('a\n\nb\n', other)).toThrow(code('bad_note'));
    expect(() => signNote('no newline', other)).toThrow(code('bad_note'));
  });
});

interface WycheproofGroup {
  publicKey: { pk: string };
  tests: Array<{ tcId: number; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable' }>;
}

describe('release notes: Ed25519 verification against Wycheproof', () => {
  it('accepts exactly the valid signatures of ed25519_test.json', () => {
    const file = loadVectorJson('wycheproof', 'ed25519_test.json') as { testGroups: WycheproofGroup[] };
    let count = 0;
    for (const g of file.testGroups)
      for (const t of g.tests) {
        const ok = ed25519Verify(hexToBytes(t.sig), hexToBytes(t.msg), hexToBytes(g.publicKey.pk));
        expect(ok, `tcId ${t.tcId}`).toBe(t.result === 'valid');
        count++;
      }
    console.log(`wycheproof ed25519 (release-note verify path): ${count} vectors`);
    expect(count).toBeGreaterThan(100);
  });
});
