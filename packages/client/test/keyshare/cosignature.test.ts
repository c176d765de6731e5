// C2SP tlog-cosignature (Ed25519, cosignature/v1) and the client's k-of-n witness quorum: key strings,
// the signed message checked with node:crypto, and refusal of every bad cosignature.
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signCheckpoint } from '../../src/keyshare/checkpoint.ts';
import {
  checkWitnessQuorum,
  cosign,
  formatCosignerKey,
  formatCosignerSignerKey,
  generateCosigner,
  parseCosignerKey,
  parseCosignerSignerKey,
  parseWitnessPolicy,
} from '../../src/keyshare/cosignature.ts';
import { toBase64 } from '../../src/keyshare/encoding.ts';
import { KeyshareIntegrityError, KeyshareUnverifiedError } from '../../src/keyshare/errors.ts';
import { formatVerifierKey, generateNoteSigner, parseSignedNote } from '../../src/keyshare/note.ts';

const log = generateNoteSigner('keys.test/log');
const note = signCheckpoint({ origin: log.name, size: 5, rootHash: new Uint8Array(32).fill(7) }, log);
const text = parseSignedNote(note).text;
const [w1, w2, w3] = ['witness.test/w1', 'witness.test/w2', 'witness.test/w3'].map(generateCosigner) as [
  ReturnType<typeof generateCosigner>,
  ReturnType<typeof generateCosigner>,
  ReturnType<typeof generateCosigner>,
];
const policy = (quorum: number) => parseWitnessPolicy({ keys: [w1, w2, w3].map(formatCosignerKey), quorum });
const now = 1_700_000_000;

function reason(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof KeyshareIntegrityError) return err.reason;
    // Not proof of tampering: a distinct class (no red alarm), tagged so the tests pin the class too.
    if (err instanceof KeyshareUnverifiedError) return `unverified:${err.reason}`;
    throw err;
  }
  return 'accepted';
}

describe('tlog-cosignature Ed25519', () => {
  it('key strings round-trip; the key ID uses type 0x04; a 0x01 vkey of the same key is accepted', () => {
    const vkey = formatCosignerKey(w1);
    const raw = Buffer.from(vkey.split('+')[2]!, 'base64');
    expect(raw[0]).toBe(0x04);
    const id = createHash('sha256')
      .update(
        Buffer.concat([Buffer.from('witness.test/w1\n'), Buffer.from([0x04]), Buffer.from(w1.publicKey)]),
      )
      .digest()
      .subarray(0, 4);
    expect(vkey.split('+')[1]).toBe(id.toString('hex'));
    expect(parseCosignerKey(vkey)).toEqual({ name: w1.name, keyId: w1.keyId, publicKey: w1.publicKey });
    expect(parseCosignerSignerKey(formatCosignerSignerKey(w1)).publicKey).toEqual(w1.publicKey);
    // A plain note vkey (type 0x01) of the witness key: same cosignature key ID.
    expect(parseCosignerKey(formatVerifierKey(w1)).keyId).toEqual(w1.keyId);
    // Wrong key IDs, other types, garbage: refused.
    for (const bad of [
      vkey.replace(/\+[0-9a-f]{8}\+/, '+00000000+'),
      `${w1.name}+${id.toString('hex')}+${toBase64(Uint8Array.of(0x02, ...w1.publicKey))}`,
      'nonsense',
      `witness test+${id.toString('hex')}+${vkey.split('+')[2]}`,
    ]) {
      expect(() => parseCosignerKey(bad), bad).toThrow();
    }
  });

  it('the signed message is "cosignature/v1\\ntime T\\n" + checkpoint text (checked with node:crypto)', () => {
    const line = cosign(text, w1, now);
    const raw = Buffer.from(line.slice(`\u2014 ${w1.name} `.length, -1), 'base64');
    expect(raw.subarray(0, 4)).toEqual(Buffer.from(w1.keyId));
    expect(raw.readBigUInt64BE(4)).toBe(BigInt(now));
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(w1.publicKey)]);
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const msg = Buffer.from(`cosignature/v1\ntime ${now}\n${text}`);
    expect(nodeVerify(null, msg, key, raw.subarray(12))).toBe(true);
    expect(() => cosign(text, w1, 0)).toThrow(RangeError);
  });
});

describe('witness quorum (k of n)', () => {
  const withLines = (...lines: string[]) => note + lines.join('');

  it('counts distinct pinned witnesses with valid cosignatures', () => {
    const two = withLines(cosign(text, w1, now), cosign(text, w3, now + 1));
    expect(checkWitnessQuorum(two, policy(2)).sort()).toEqual([w1.name, w3.name]);
    expect(reason(() => checkWitnessQuorum(two, policy(3)))).toBe('unverified:witness_quorum');
    // The same witness twice counts once.
    const dup = withLines(cosign(text, w1, now), cosign(text, w1, now + 5));
    expect(reason(() => checkWitnessQuorum(dup, policy(2)))).toBe('unverified:witness_quorum');
    // Unknown cosigners and the log's own signature do not count.
    const other = generateCosigner('witness.test/w9');
    expect(reason(() => checkWitnessQuorum(withLines(cosign(text, other, now)), policy(1)))).toBe(
      'unverified:witness_quorum',
    );
    expect(reason(() => checkWitnessQuorum(note, policy(1)))).toBe('unverified:witness_quorum');
  });

  it('a bad cosignature by a pinned key rejects the checkpoint even when the quorum is met', () => {
    const good = [cosign(text, w1, now), cosign(text, w2, now)];
    const otherText = text.replace('\n5\n', '\n6\n');
    const forged = (raw: (b: Buffer) => Buffer) => {
      const line = cosign(text, w3, now);
      const b = Buffer.from(line.slice(`\u2014 ${w3.name} `.length, -1), 'base64');
      return `\u2014 ${w3.name} ${raw(b).toString('base64')}\n`;
    };
    const cases: Record<string, string> = {
      'flipped signature bit': forged((b) => {
        b[40] = b[40]! ^ 1;
        return b;
      }),
      'changed timestamp': forged((b) => {
        b.writeBigUInt64BE(BigInt(now + 1), 4);
        return b;
      }),
      'zero timestamp': forged((b) => {
        b.writeBigUInt64BE(0n, 4);
        return b;
      }),
      'timestamp without signature': forged((b) => b.subarray(0, 12)),
      'signature without timestamp': forged((b) => Buffer.concat([b.subarray(0, 4), b.subarray(12)])),
      'cosignature of another checkpoint': cosign(otherText, w3, now),
    };
    for (const [what, line] of Object.entries(cases)) {
      expect(
        reason(() => checkWitnessQuorum(withLines(...good, line), policy(2))),
        what,
      ).toBe('cosignature_invalid');
    }
  });

  it('policies: quorum from 1 to n, no duplicate keys, only cosigner keys', () => {
    const keys = [w1, w2].map(formatCosignerKey);
    for (const quorum of [0, 3, 1.5, Number.NaN]) {
      expect(() => parseWitnessPolicy({ keys, quorum }), String(quorum)).toThrow(RangeError);
    }
    expect(() => parseWitnessPolicy({ keys: [keys[0]!, keys[0]!], quorum: 1 })).toThrow(/twice/);
    expect(() => parseWitnessPolicy({ keys: ['x+00000000+AA=='], quorum: 1 })).toThrow();
    expect(parseWitnessPolicy({ keys, quorum: 2 }).quorum).toBe(2);
  });
});
