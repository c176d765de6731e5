// Every error code of the crypto core with its meaning, per error class. Typed as Record<Code, string>
// so that a code added to a union without a description here fails to compile. The client's one error
// registry (src/errors/registry.ts) aggregates these; docs/errors.md (section "Client") lists them.
import type { CpaceErrorCode } from '../cpace/errors.ts';
import type { IdentityErrorCode, TrustErrorCode } from '../identity/errors.ts';
import type { NoiseErrorCode } from '../noise/errors.ts';
import type { CryptoErrorCode } from './errors.ts';

export const CRYPTO_ERROR_CODES: Record<CryptoErrorCode, string> = {
  not_ready: 'CryptoError: libsodium used before `await ready()`',
  bad_length: 'CryptoError: a key, nonce or output length has the wrong size',
  bad_key: 'CryptoError: X25519 gave the all-zero output (low-order or zero public key)',
  decrypt_failed: 'CryptoError: the AEAD tag did not verify',
};

export const NOISE_ERROR_CODES: Record<NoiseErrorCode, string> = {
  bad_protocol: 'NoiseError: unsupported protocol name or handshake pattern',
  missing_key: 'NoiseError: a key the pattern needs (s, rs, re, psk) was not supplied',
  bad_key: 'NoiseError: a key has the wrong size or does not match, or a DH output was all-zero',
  bad_message: 'NoiseError: a handshake message is truncated, oversized or malformed',
  decrypt_failed: 'NoiseError: authentication failed (tampering, wrong key, psk or prologue)',
  message_too_long: 'NoiseError: the message would exceed 65535 bytes',
  nonce_exhausted: 'NoiseError: the cipher state used all its nonces',
  bad_state: 'NoiseError: call out of order, after completion, or after a failure',
};

export const CPACE_ERROR_CODES: Record<CpaceErrorCode, string> = {
  bad_input: 'CpaceError: a local argument (PRS, CI, sid, AD, role, label, scalar) is malformed',
  bad_message: "CpaceError: the peer's message is not exactly lv_cat(Y, AD), or is our own share reflected",
  invalid_point: "CpaceError: the peer's Y is not a canonical ristretto255 point, or is the identity",
  bad_state: 'CpaceError: finish() called again or after a failure',
};

export const IDENTITY_ERROR_CODES: Record<IdentityErrorCode, string> = {
  bad_format: 'IdentityError: a malformed identity export, public identity, stored record or scannable code',
  unsupported_version: 'IdentityError: a well-formed export or layout of an unknown version',
  bad_key: 'IdentityError: a key of the wrong size, not a valid point, or not matching its private half',
  insecure_file: 'IdentityError: the identity file is accessible by other users (chmod 600 it)',
  storage_failed: 'IdentityError: the file system or IndexedDB failed',
};

export const TRUST_ERROR_CODES: Record<TrustErrorCode, string> = {
  key_changed: "TrustError: the contact's key changed; sessions are blocked until acceptKeyChange()",
  key_mismatch:
    "TrustError: markVerified() / acceptKeyChange() for a key that is not the contact's pinned / pending key",
  unknown_contact: 'TrustError: the contact is not in the trust store',
  corrupt_record: 'TrustError: a stored trust record failed validation',
  bad_input: 'TrustError: a malformed contact id, key or argument',
};
