// Browser-safe exports. The Node file backends live in ./node-file.ts (node:fs) and are imported
// directly by Node code (CLI), never through this index.
export { IdentityError, type IdentityErrorCode, TrustError, type TrustErrorCode } from './errors.ts';
export {
  combineDigits,
  compareScannable,
  FINGERPRINT_ITERATIONS,
  fingerprintDigits,
  fingerprintHash,
  formatDigits,
  parseScannable,
  type SafetyNumber,
  SEALPEER_STABLE_ID,
  safetyNumber,
  scannableFingerprint,
  signalSafetyNumber,
} from './fingerprint.ts';
export {
  IDENTITY_EXPORT_FORMAT,
  IDENTITY_EXPORT_VERSION,
  Identity,
  type IdentityExportV1,
  type IdentityStore,
  MemoryIdentityStore,
} from './identity.ts';
export { IndexedDbIdentityStore, type IndexedDbOptions, IndexedDbTrustStorage } from './indexeddb.ts';
export {
  checkPublicIdentity,
  decodePublicIdentity,
  encodePublicIdentity,
  fromBase64Url,
  PUBLIC_IDENTITY_BYTES,
  PUBLIC_IDENTITY_VERSION,
  type PublicIdentity,
  samePublicIdentity,
  toBase64Url,
} from './public-identity.ts';
export {
  type ContactRecord,
  type KeyChangedEvent,
  MemoryTrustStorage,
  type ObserveResult,
  type TrustEvents,
  type TrustState,
  type TrustStorage,
  TrustStore,
  type VerificationMethod,
} from './trust-store.ts';
