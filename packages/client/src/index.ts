export const placeholder = 'client';

export * from './cpace/index.ts';
// --- crypto core (issue 4: src/crypto, src/noise, src/cpace, src/identity) ---
export * from './crypto/index.ts';
export * from './identity/index.ts'; // Node file backends: import src/identity/node-file.ts directly
// --- keyshare client (issue 5: src/keyshare). Formats and proofs under the `keyshare` namespace. ---
export * as keyshare from './keyshare/index.ts';
export {
  checkPeerCheckpoint,
  jsonFileStateStore,
  KeyshareClient,
  type KeyshareClientOptions,
  KeyshareIntegrityError,
  type KeyshareIntegrityReason,
  KeyshareRequestError,
  type KeyshareStateStore,
  type LookupResult,
  MemoryStateStore as KeyshareMemoryStateStore,
  type PeerCheckResult,
  watchOwnHandle,
} from './keyshare/index.ts';
export * from './noise/index.ts';

// --- sealed signaling (issue 4: src/client.ts, session, pairing, envelope, invite, relay, webrtc, errors) ---
export * from './sealed.ts';
