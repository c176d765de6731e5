import { hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { loadVectorJson } from '../../../../test-support/vectors.ts';
import {
  formatSignerKey,
  formatVerifierKey,
  generateSigner,
  keyLabel,
  type NoteVerifier,
  noteKeyId,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  verifyEd25519,
} from '../../src/release/index.ts';

// The example key and note of the reference implementation (golang.org/x/mod/sumdb/note, note_test.go),
// which the C2SP signed-note spec names: Ed25519 is deterministic, so our signer must reproduce it exactly.
const GO = {
  vkey: 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
  skey: 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz',
  text: "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n",
  sig: '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n',
};

describe('signed note: reference example', () => {
  it('parses the keys, derives the key ID and reproduces the signature byte for byte', () => {
    const v = parseVerifierKey(GO.vkey);
    const s = parseSignerKey(GO.skey);
    expect(v.name).toBe('PeterNeumann');
    expect(v.keyId).toBe(0xc74f20a3);
    expect(noteKeyId(v.name, v.publicKey)).toBe(0xc74f20a3);
    expect(formatVerifierKey(v)).toBe(GO.vkey);
    expect(formatSignerKey(s)).toBe(GO.skey);
    expect(Buffer.from(s.publicKey).equals(Buffer.from(v.publicKey))).toBe(true);
    expect(signNote(GO.text, s)).toBe(`${GO.text}\n${GO.sig}`);
    expect(openNote(`${GO.text}\n${GO.sig}`, v).text).toBe(GO.text);
    expect(keyLabel(v)).toBe('PeterNeumann+c74f20a3');
  });

  it('rejects every truncation and every single-character change of the verifier key', () => {
    let rejected = 0;
    for (let i = 0; i < GO.vkey.length; i++) {
      expect(() => parseVerifierKey(GO.vkey.slice(0, i))).toThrow(
        expect.objectContaining({ code: 'bad_key' }),
      );
      const changed =
        GO.vkey.slice(0, i) + String.fromCharCode(GO.vkey.charCodeAt(i) + 1) + GO.vkey.slice(i + 1);
      expect(() => parseVerifierKey(changed)).toThrow(expect.objectContaining({ code: 'bad_key' }));
      rejected += 2;
    }
    console.log(`signed-note: ${rejected} mangled verifier keys rejected`);
    expect(rejected).toBeGreaterThan(100);
  });

  it('rejects malformed keys named by the reference tests', () => {
    for (const k of [
      'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==',
      'PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', // unknown algorithm 0x65
      'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz',
    ])
      expect(() => parseVerifierKey(k)).toThrow(expect.objectContaining({ code: 'bad_key' }));
    expect(() => parseSignerKey(GO.vkey)).toThrow(expect.objectContaining({ code: 'bad_key' }));
  });
});

describe('signed note: opening', () => {
  const v = parseVerifierKey(GO.vkey);
  const good = `${GO.text}\n${GO.sig}`;
  const other = generateSigner('someone.else');
  const bad = (note: string | Uint8Array, code: string, verifier: NoteVerifier = v): void => {
    expect(() => openNote(note, verifier)).toThrow(expect.objectContaining({ code }));
  };

  it('ignores signatures by unknown keys but needs one by the pinned key', () => {
    const otherLine = signNote(GO.text, other).slice(GO.text.length + 1);
    expect(openNote(`${GO.text}\n${otherLine}${GO.sig}`, v).text).toBe(GO.text);
    bad(`${GO.text}\n${otherLine}`, 'unverified_note');
    expect(openNote(`${GO.text}\n${otherLine}`, other).verifiedBy).toBe(other);
  });

  it('rejects a changed text, a changed signature and a wrong key with the same name and ID', () => {
    bad(good.replace('problem,', 'problem;'), 'unverified_note');
    const blob = GO.sig.slice(15, -1);
    const flipped = blob.slice(0, 10) + (blob[10] === 'A' ? 'B' : 'A') + blob.slice(11);
    bad(`${GO.text}\n\u2014 PeterNeumann ${flipped}\n`, 'unverified_note');
    const impostor = { ...v, publicKey: other.publicKey };
    bad(good, 'unverified_note', impostor);
  });

  it('refuses malformed notes with bad_note', () => {
    const cases: Array<string | Uint8Array> = [
      '',
      GO.text, // no signature block
      good.slice(0, -1), // no final newline
      `${GO.text}\n-- PeterNeumann ${GO.sig.slice(15)}`, // ASCII dashes instead of the em dash
      `${GO.text}\n\u2014 PeterNeumann\n`,
      `${GO.text}\n\u2014 PeterNeumann !!!!\n`,
      `${GO.text}\n\u2014 PeterNeumann AAAA\n`, // shorter than a key ID
      `bell\u0007\n\n${GO.sig}`,
      `${GO.text}\n${GO.sig.repeat(101)}`,
      Uint8Array.of(0xff, 0x0a, 0x0a),
      new Uint8Array(70_000).fill(0x41),
    ];
    for (const c of cases) bad(c, 'bad_note');
  });

  it('signs only well-formed text', () => {
    const s = generateSigner('release.example');
    expect(() => signNote('no newline', s)).toThrow(expect.objectContaining({ code: 'bad_note' }));
    expect(() => signNote('a\n\nb\n', s)).toThrow(expect.objectContaining({ code: 'bad_note' }));
    expect(() => generateSigner('bad name')).toThrow(expect.objectContaining({ code: 'bad_key' }));
    const note = signNote('hello\n', s);
    expect(openNote(new TextEncoder().encode(note), parseVerifierKey(formatVerifierKey(s))).text).toBe(
      'hello\n',
    );
  });
});

interface WycheproofGroup {
  publicKey: { pk: string };
  tests: Array<{ tcId: number; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable' }>;
}

describe('signed note: Ed25519 verification against Wycheproof', () => {
  it('accepts exactly the valid signatures of ed25519_test.json', () => {
    const file = loadVectorJson('wycheproof', 'ed25519_test.json') as { testGroups: WycheproofGroup[] };
    let count = 0;
    for (const g of file.testGroups)
      for (const t of g.tests) {
        const ok = verifyEd25519(hexToBytes(t.sig), hexToBytes(t.msg), hexToBytes(g.publicKey.pk));
        expect(ok, `tcId ${t.tcId}`).toBe(t.result === 'valid');
        count++;
      }
    console.log(`wycheproof ed25519: ${count} vectors`);
    expect(count).toBeGreaterThan(100);
  });
});
