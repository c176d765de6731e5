// Bridges this device's Identity and a session's peer keys to what the UI shows: the 30-digit device
// fingerprint, the 60-digit safety number of a pair (Signal's algorithm over sealpeer's 65-byte public
// identity, see packages/client/src/identity/fingerprint.ts) and the peer's pinned public key.
import { encodePublicIdentity, type Identity, type PublicIdentity, type Session } from '@sealpeer/client';
import { toHex } from '@sealpeer/client/crypto';
import { fingerprintDigits, fingerprintHash, SEALPEER_STABLE_ID } from '@sealpeer/client/identity';
import type { DeviceInfo } from './engine-api.ts';

function digitsOf(publicKey: Uint8Array): string {
  return fingerprintDigits(fingerprintHash(publicKey, SEALPEER_STABLE_ID));
}

/** The 30 fingerprint digits of a public identity (what that device's own Device screen shows). */
export function deviceDigits(identity: PublicIdentity): string {
  return digitsOf(encodePublicIdentity(identity));
}

export function deviceFingerprint(identity: Identity): DeviceInfo {
  return { identityKey: toHex(identity.publicIdentity.ed25519), fingerprint: digitsOf(identity.publicKey) };
}

export interface PeerKeys {
  /** The peer's public identity (what the trust store pins). */
  identity: PublicIdentity;
  /** The peer's own 30 fingerprint digits. */
  fingerprint: string;
  /** The pair's 60-digit safety number (the same on both devices). */
  safetyNumber: string;
}

/** The peer's keys of an open session (its CONFIRM bound the identity key to the Noise static key). */
export function peerKeys(session: Session): PeerKeys {
  const ed25519 = session.peerIdentityKey;
  const x25519 = session.peerStaticKey;
  if (!ed25519 || !x25519 || !session.safetyNumber) throw new Error('the session is not open');
  const identity = { ed25519, x25519 };
  return {
    identity,
    fingerprint: digitsOf(encodePublicIdentity(identity)),
    safetyNumber: session.safetyNumber,
  };
}
