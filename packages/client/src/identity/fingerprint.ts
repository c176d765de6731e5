// Safety numbers: Signal's numeric fingerprint (libsignal rust/protocol/src/fingerprint.rs,
// NumericFingerprintGenerator, fingerprint version 0, 5200 iterations of SHA-512) and its scannable form
// (the CombinedFingerprints protobuf, version 1), then the same construction over sealpeer's keys.
import { concatBytes, u16be, utf8 } from '../crypto/bytes.ts';
import { SHA512 } from '../crypto/hash.ts';
import { constantTimeEqual } from '../crypto/sodium.ts';
import { IdentityError } from './errors.ts';
import { encodePublicIdentity, type PublicIdentity } from './public-identity.ts';

/** Iterations of libsignal's NumericFingerprintGenerator as Signal uses it. */
export const FINGERPRINT_ITERATIONS = 5200;
/** Version mixed into the first hash (libsignal FINGERPRINT_VERSION). */
const HASH_VERSION = 0;
/** Version of the scannable (QR) form. */
export const SCANNABLE_VERSION = 1;
const SCANNABLE_CONTENT_BYTES = 32;

/**
 * Per-party fingerprint hash: buf = SHA-512(u16be(0) || key || stableId || key), then (iterations - 1)
 * times buf = SHA-512(buf || key). Returns the 64-byte result.
 */
export function fingerprintHash(
  key: Uint8Array,
  stableId: Uint8Array,
  iterations = FINGERPRINT_ITERATIONS,
): Uint8Array {
  if (!Number.isInteger(iterations) || iterations < 1)
    throw new IdentityError('bad_format', 'iterations must be >= 1');
  let buf = SHA512.digest(u16be(HASH_VERSION), key, stableId, key);
  for (let i = 1; i < iterations; i++) buf = SHA512.digest(buf, key);
  return buf;
}

/** 30 display digits of one party: six 5-byte big-endian chunks of the hash, each mod 100000. */
export function fingerprintDigits(hash: Uint8Array): string {
  if (hash.length < 30) throw new IdentityError('bad_format', 'fingerprint hash too short');
  let out = '';
  for (let i = 0; i < 30; i += 5) {
    let chunk = 0;
    for (let j = 0; j < 5; j++) chunk = chunk * 256 + hash[i + j]!;
    out += String(chunk % 100000).padStart(5, '0');
  }
  return out;
}

/** The 60-digit safety number: both parties' 30 digits, the smaller string first (same on both sides). */
export function combineDigits(localDigits: string, remoteDigits: string): string {
  return localDigits < remoteDigits ? localDigits + remoteDigits : remoteDigits + localDigits;
}

/**
 * Scannable form: protobuf CombinedFingerprints { uint32 version = 1; LogicalFingerprint
 * localFingerprint = 2; LogicalFingerprint remoteFingerprint = 3 } with LogicalFingerprint { bytes
 * content = 1 } holding the first 32 bytes of each party's hash. Canonical encoding, 74 bytes.
 */
export function scannableFingerprint(localHash: Uint8Array, remoteHash: Uint8Array): Uint8Array {
  const logical = (h: Uint8Array) =>
    concatBytes(new Uint8Array([0x0a, SCANNABLE_CONTENT_BYTES]), h.slice(0, 32));
  return concatBytes(
    new Uint8Array([0x08, SCANNABLE_VERSION, 0x12, 2 + SCANNABLE_CONTENT_BYTES]),
    logical(localHash),
    new Uint8Array([0x1a, 2 + SCANNABLE_CONTENT_BYTES]),
    logical(remoteHash),
  );
}

/** Parses the canonical scannable form; `bad_format` / `unsupported_version` otherwise. */
export function parseScannable(b: Uint8Array): { version: number; local: Uint8Array; remote: Uint8Array } {
  if (!(b instanceof Uint8Array) || b.length < 2 || b[0] !== 0x08)
    throw new IdentityError('bad_format', 'not a scannable safety number');
  if (b[1] !== SCANNABLE_VERSION)
    throw new IdentityError(
      'unsupported_version',
      `scannable safety number version ${b[1]} is not supported`,
    );
  const head = (tag: number, at: number) =>
    b[at] === tag && b[at + 1] === 34 && b[at + 2] === 0x0a && b[at + 3] === SCANNABLE_CONTENT_BYTES;
  if (b.length !== 74 || !head(0x12, 2) || !head(0x1a, 38))
    throw new IdentityError('bad_format', 'malformed scannable safety number');
  return { version: b[1], local: b.slice(6, 38), remote: b.slice(42, 74) };
}

/**
 * Compares my scannable form with the one scanned from the peer's screen (libsignal
 * ScannableFingerprint::compare): their local must equal my remote and their remote my local.
 * Constant time; throws on malformed input or another version.
 */
export function compareScannable(mine: Uint8Array, theirs: Uint8Array): boolean {
  const a = parseScannable(mine);
  const b = parseScannable(theirs);
  const x = constantTimeEqual(a.local, b.remote);
  const y = constantTimeEqual(a.remote, b.local);
  return x && y;
}

export interface SafetyNumber {
  /** 60 digits, identical on both sides. */
  digits: string;
  /** The same as 12 groups of 5 digits separated by spaces, for display. */
  display: string;
  /** Scannable form from this side's point of view (compare with compareScannable). */
  scannable: Uint8Array;
}

/** Groups 60 digits as "12345 67890 ..." for display. */
export function formatDigits(digits: string): string {
  return (digits.match(/.{1,5}/g) ?? []).join(' ');
}

/** Signal's safety number for two (key, stableId) pairs, from the local party's point of view. */
export function signalSafetyNumber(
  local: { key: Uint8Array; stableId: Uint8Array },
  remote: { key: Uint8Array; stableId: Uint8Array },
  iterations = FINGERPRINT_ITERATIONS,
): SafetyNumber {
  const lh = fingerprintHash(local.key, local.stableId, iterations);
  const rh = fingerprintHash(remote.key, remote.stableId, iterations);
  const digits = combineDigits(fingerprintDigits(lh), fingerprintDigits(rh));
  return { digits, display: formatDigits(digits), scannable: scannableFingerprint(lh, rh) };
}

/** Stable identifier sealpeer uses for every party (it has no phone numbers; the key is the identity). */
export const SEALPEER_STABLE_ID = utf8('sealpeer');

/**
 * sealpeer's safety number: Signal's algorithm above, where each party's `key` is its 65-byte public
 * identity layout (version 0x01 || Ed25519 identity key || X25519 static key, see ./public-identity.ts)
 * and its stable identifier is the ASCII string "sealpeer". Both sides compute the same 60 digits; a
 * change of either key of either party changes them.
 */
export function safetyNumber(local: PublicIdentity, remote: PublicIdentity): SafetyNumber {
  return signalSafetyNumber(
    { key: encodePublicIdentity(local), stableId: SEALPEER_STABLE_ID },
    { key: encodePublicIdentity(remote), stableId: SEALPEER_STABLE_ID },
  );
}
