import { beforeAll, describe, expect, it } from 'vitest';
import { loadVectorJson } from '../../../../test-support/vectors.ts';
import { fromHex, toHex, utf8 } from '../../src/crypto/bytes.ts';
import { ready } from '../../src/crypto/sodium.ts';
import {
  compareScannable,
  FINGERPRINT_ITERATIONS,
  parseScannable,
  safetyNumber,
  signalSafetyNumber,
} from '../../src/identity/fingerprint.ts';
import { Identity } from '../../src/identity/identity.ts';
import { codeOf } from '../crypto/error-code.ts';

const raw = loadVectorJson('signal', 'fingerprint.json') as Record<string, unknown>;
function party(name: string): { key: Uint8Array; stableId: Uint8Array } {
  const p = raw[name] as Record<string, unknown> | undefined;
  if (typeof p?.key_hex !== 'string' || typeof p.stableId !== 'string')
    throw new Error(`vector ${name} missing`);
  return { key: fromHex(p.key_hex), stableId: utf8(p.stableId) };
}
if (typeof raw.display !== 'string' || typeof raw.scannable_v1_alice_view_hex !== 'string')
  throw new Error('signal fingerprint vector incomplete');
const display = raw.display;
const scannableAlice = raw.scannable_v1_alice_view_hex;

beforeAll(async () => {
  await ready();
});

describe('Signal safety number (libsignal fingerprint.rs vector)', () => {
  it('matches the display digits and the scannable bytes from both sides', () => {
    expect(raw.iterations).toBe(FINGERPRINT_ITERATIONS);
    const alice = party('alice');
    const bob = party('bob');
    const a = signalSafetyNumber(alice, bob);
    const b = signalSafetyNumber(bob, alice);
    let checks = 0;
    expect(a.digits).toBe(display);
    checks++;
    expect(b.digits).toBe(display);
    checks++;
    expect(toHex(a.scannable)).toBe(scannableAlice.toLowerCase());
    checks++;
    expect(compareScannable(a.scannable, b.scannable)).toBe(true);
    checks++;
    expect(compareScannable(a.scannable, a.scannable)).toBe(false);
    checks++;
    console.log(`signal fingerprint vector checks: ${checks}`);
    expect(a.display.split(' ')).toHaveLength(12);
  });

  it('a different key or stable id changes the number', () => {
    const alice = party('alice');
    const bob = party('bob');
    const key = bob.key.slice();
    key[10]! ^= 1;
    expect(signalSafetyNumber(alice, { ...bob, key }).digits).not.toBe(display);
    expect(signalSafetyNumber(alice, { ...bob, stableId: utf8('+14153333334') }).digits).not.toBe(display);
  });

  it('refuses malformed or other-version scannable forms', () => {
    const good = fromHex(scannableAlice);
    expect(codeOf(() => parseScannable(good.slice(0, 73)))).toBe('bad_format');
    expect(codeOf(() => parseScannable(new Uint8Array([...good, 0])))).toBe('bad_format');
    expect(codeOf(() => parseScannable(new Uint8Array(0)))).toBe('bad_format');
    const v2 = good.slice();
    v2[1] = 2;
    expect(codeOf(() => parseScannable(v2))).toBe('unsupported_version');
    const tag = good.slice();
    tag[38] = 0x12;
    expect(codeOf(() => parseScannable(tag))).toBe('bad_format');
    expect(codeOf(() => compareScannable(good, good.slice(1)))).toBe('bad_format');
  });
});

describe('sealpeer safety number', () => {
  it('is the same 60 digits on both sides and changes when either key of either party changes', () => {
    const a = Identity.generate().publicIdentity;
    const b = Identity.generate().publicIdentity;
    const ab = safetyNumber(a, b);
    const ba = safetyNumber(b, a);
    expect(ab.digits).toMatch(/^\d{60}$/);
    expect(ab.digits).toBe(ba.digits);
    expect(compareScannable(ab.scannable, ba.scannable)).toBe(true);
    const c = Identity.generate().publicIdentity;
    expect(safetyNumber(a, { ...b, x25519: c.x25519 }).digits).not.toBe(ab.digits);
    expect(safetyNumber(a, { ...b, ed25519: c.ed25519 }).digits).not.toBe(ab.digits);
    expect(compareScannable(ab.scannable, safetyNumber(c, a).scannable)).toBe(false);
  });
});
