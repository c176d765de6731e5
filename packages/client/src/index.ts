import { ready } from './crypto/sodium.ts';

// --- crypto core (issue 4: src/crypto, src/noise, src/cpace, src/identity; Node file backends: src/identity/node-file.ts) ---

// --- saved contacts (issue 15: src/contacts; the app's list and the CLI's contact file) ---
export * from './contacts/list.ts';
export * from './crypto/core.ts';
// --- keyshare client (issue 5: src/keyshare). Formats and proofs under the `keyshare` namespace. ---
export * as keyshare from './keyshare/index.ts';
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
// --- sealed signaling (issue 4: src/client.ts, session, pairing, envelope, invite, relay, webrtc, errors) ---
export * from './sealed.ts';

// Async readiness is internal (issue 16): importing the package root waits for libsodium's WebAssembly
// (top-level await, ES2022), so `Identity.generate()` and everything else here work without a prior
// `await ready()`. Only here, not in crypto/sodium.ts: the subpaths stay free of top-level await (the
// app's service worker bundles `/release` as a classic script).
await ready();
