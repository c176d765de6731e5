// The public half of a sealpeer identity and its byte layout (version 1):
//
//   offset  size  field
//   0       1     version = 0x01
//   1       32    Ed25519 identity public key (RFC 8032 encoding)
//   33      32    X25519 static public key (RFC 7748 u-coordinate)
//   total   65 bytes
//
// These 65 bytes are the `key` input of the safety-number fingerprint (./fingerprint.ts) and what the
// trust store pins per contact. base64url (no padding, RFC 4648 §5) is the text form.
import { ed25519 } from '@noble/curves/ed25519.js';
import { concatBytes } from '../crypto/bytes.ts';
import { constantTimeEqual, sodium } from '../crypto/sodium.ts';
import { IdentityError } from './errors.ts';

export const PUBLIC_IDENTITY_VERSION = 1;
export const PUBLIC_IDENTITY_BYTES = 65;

export interface PublicIdentity {
  /** Ed25519 identity public key (32 bytes). */
  ed25519: Uint8Array;
  /** X25519 static public key used in Noise (32 bytes). */
  x25519: Uint8Array;
}

/** Checks sizes and that the Ed25519 key is a valid point of large order; returns copies. */
export function checkPublicIdentity(p: PublicIdentity): PublicIdentity {
  if (typeof p !== 'object' || p === null) throw new IdentityError('bad_key', 'public identity required');
  if (!(p.ed25519 instanceof Uint8Array) || p.ed25519.length !== 32)
    throw new IdentityError('bad_key', 'Ed25519 public key must be 32 bytes');
  if (!(p.x25519 instanceof Uint8Array) || p.x25519.length !== 32)
    throw new IdentityError('bad_key', 'X25519 public key must be 32 bytes');
  let small: boolean;
  try {
    small = ed25519.Point.fromBytes(p.ed25519).isSmallOrder();
  } catch {
    throw new IdentityError('bad_key', 'Ed25519 public key is not a valid point');
  }
  if (small) throw new IdentityError('bad_key', 'Ed25519 public key has small order');
  if (p.x25519.every((b) => b === 0)) throw new IdentityError('bad_key', 'X25519 public key is zero');
  return { ed25519: p.ed25519.slice(), x25519: p.x25519.slice() };
}

/** The 65-byte layout above. */
export function encodePublicIdentity(p: PublicIdentity): Uint8Array {
  const c = checkPublicIdentity(p);
  return concatBytes(new Uint8Array([PUBLIC_IDENTITY_VERSION]), c.ed25519, c.x25519);
}

/** Parses the 65-byte layout; `bad_format` on a wrong length, `unsupported_version` on another version. */
export function decodePublicIdentity(b: Uint8Array): PublicIdentity {
  if (!(b instanceof Uint8Array) || b.length === 0)
    throw new IdentityError('bad_format', 'public identity is empty');
  if (b[0] !== PUBLIC_IDENTITY_VERSION)
    throw new IdentityError('unsupported_version', `public identity version ${b[0]} is not supported`);
  if (b.length !== PUBLIC_IDENTITY_BYTES)
    throw new IdentityError('bad_format', `public identity must be ${PUBLIC_IDENTITY_BYTES} bytes`);
  return checkPublicIdentity({ ed25519: b.slice(1, 33), x25519: b.slice(33, 65) });
}

/** Constant-time equality of two public identities. */
export function samePublicIdentity(a: PublicIdentity, b: PublicIdentity): boolean {
  const x = constantTimeEqual(a.ed25519, b.ed25519);
  const y = constantTimeEqual(a.x25519, b.x25519);
  return x && y;
}

/** base64url without padding (RFC 4648 §5). */
export function toBase64Url(b: Uint8Array): string {
  const s = sodium();
  return s.to_base64(b, s.base64_variants.URLSAFE_NO_PADDING);
}

/** Strict base64url decoding: only the canonical unpadded encoding is accepted (`bad_format`). */
export function fromBase64Url(text: unknown, what: string): Uint8Array {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text))
    throw new IdentityError('bad_format', `${what} must be base64url text`);
  let out: Uint8Array;
  try {
    out = sodium().from_base64(text, sodium().base64_variants.URLSAFE_NO_PADDING);
  } catch {
    throw new IdentityError('bad_format', `${what} is not valid base64url`);
  }
  if (toBase64Url(out) !== text) throw new IdentityError('bad_format', `${what} is not canonical base64url`);
  return out;
}
