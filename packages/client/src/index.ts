// The package root of @sealpeer/client: what an application needs (issue 16) - the client, identity and
// trust, invites and short codes, sessions and their WebRTC glue, saved contacts, the keyshare client, and
// the errors all of these throw. Protocol building blocks (primitives, Noise, CPace, envelope frames,
// keyshare proofs, relay and pairing messages, release signing) live on subpaths: see docs/api/client.md.
import { ready } from './crypto/sodium.ts';

// --- saved contacts (issue 15: src/contacts; the app's list and the CLI's contact file) ---
export * from './contacts/list.ts';
export { CpaceError, type CpaceErrorCode } from './cpace/errors.ts';
// --- errors every part of the package throws (codes: docs/errors.md) ---
export { CodedError, CryptoError, type CryptoErrorCode } from './crypto/errors.ts';
// --- identity, safety numbers and the trust store (issue 4: src/identity) ---
export {
  type ContactRecord,
  compareScannable,
  decodePublicIdentity,
  encodePublicIdentity,
  formatDigits,
  IDENTITY_EXPORT_FORMAT,
  IDENTITY_EXPORT_VERSION,
  Identity,
  IdentityError,
  type IdentityErrorCode,
  type IdentityExportV1,
  type IdentityStore,
  IndexedDbIdentityStore,
  type IndexedDbOptions,
  IndexedDbTrustStorage,
  type KeyChangedEvent,
  MemoryIdentityStore,
  MemoryTrustStorage,
  type ObserveResult,
  type PublicIdentity,
  type SafetyNumber,
  safetyNumber,
  samePublicIdentity,
  scannableFingerprint,
  TrustError,
  type TrustErrorCode,
  type TrustEvents,
  type TrustState,
  type TrustStorage,
  TrustStore,
  type VerificationMethod,
} from './identity/index.ts';
// --- keyshare client (issue 5: src/keyshare). Formats and proofs: the `@sealpeer/client/keyshare` subpath. ---
export {
  type CrossCheck,
  checkPeerCheckpoint,
  crossCheckPeer,
  heldCheckpoints,
  identityRecordKeys,
  KeyshareClient,
  type KeyshareClientOptions,
  KeyshareIntegrityError,
  type KeyshareIntegrityReason,
  KeyshareRequestError,
  type KeyshareStateStore,
  KeyshareUnverifiedError,
  type KeyshareUnverifiedReason,
  type LookupResult,
  MemoryStateStore as KeyshareMemoryStateStore,
  type PeerCheckResult,
  type StoredCheckpoint,
  watchOwnHandle,
} from './keyshare/index.ts';
export { NoiseError, type NoiseErrorCode } from './noise/errors.ts';
// --- sealed signaling (issue 4: src/client.ts, sessions, invites, WebRTC glue, errors) ---
export * from './sealed.ts';

// Async readiness is internal (issue 16): importing the package root waits for libsodium's WebAssembly
// (top-level await, ES2022), so `Identity.generate()` and everything else here work without a prior
// `await ready()`. Only here, not in crypto/sodium.ts: the subpaths stay free of top-level await (the
// app's service worker bundles `/release` as a classic script).
await ready();
