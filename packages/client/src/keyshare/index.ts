// @sealpeer/client keyshare: verification of keyshare answers (RFC 6962 Merkle proofs, C2SP signed
// notes and checkpoints), the record format, and the KeyshareClient.
export { ready } from '../crypto/sodium.ts';
export type { AbsenceAnswer, FetchLike, LookupAnswer, RecordAnswer } from './api.ts';
export { KeyshareApi, parseAbsenceAnswer, parseMapProof, parseRecordAnswer } from './api.ts';
export type { Checkpoint, ParsedCheckpoint, SignedCheckpoint } from './checkpoint.ts';
export {
  formatCheckpoint,
  MAP_ROOT_LINE,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
} from './checkpoint.ts';
export type {
  KeyshareClientOptions,
  LookupResult,
  PeerCheckLog,
  PeerCheckResult,
  PublishKeys,
  RecordStatus,
} from './client.ts';
export { checkPeerCheckpoint, KeyshareClient } from './client.ts';
export type { ParsedWitnessPolicy, WitnessPolicy } from './cosignature.ts';
export {
  ALG_COSIGNATURE_V1,
  checkWitnessQuorum,
  cosign,
  cosignedMessage,
  cosignerKeyId,
  formatCosignerKey,
  formatCosignerSignerKey,
  generateCosigner,
  parseCosignerKey,
  parseCosignerSignerKey,
  parseWitnessPolicy,
  verifyCosignature,
} from './cosignature.ts';
export type { CrossCheck, CrossCheckOptions, LogCrossCheck, NotCrossCheckedWhy } from './cross-check.ts';
export { crossCheckPeer, heldCheckpoints, signedByKey } from './cross-check.ts';
export { fromBase64, toBase64, tryBase64 } from './encoding.ts';
export type { KeyshareIntegrityReason, KeyshareUnverifiedReason } from './errors.ts';
export {
  CodedError,
  KEYSHARE_CLIENT_CODES,
  KEYSHARE_INTEGRITY_REASONS,
  KEYSHARE_UNVERIFIED_REASONS,
  KeyshareIntegrityError,
  KeyshareRequestError,
  KeyshareUnverifiedError,
} from './errors.ts';
export type { ConsistencyProofSource } from './log-view.ts';
export { checkConsistent, LogView, logSlot } from './log-view.ts';
export type { MapErrorCode, MapLeaf, MapLookup, MapProof, MapValue } from './map.ts';
export {
  commonPrefixBits,
  keyBit,
  MAP_EMPTY,
  MAP_KEY_BITS,
  MAP_KEY_DOMAIN,
  MAP_LEAF_PREFIX,
  MAP_NODE_PREFIX,
  MapProofError,
  mapKey,
  mapLeafHash,
  mapNodeHash,
  verifyMapProof,
} from './map.ts';
export type { MerkleErrorCode } from './merkle.ts';
export {
  emptyRoot,
  HASH_SIZE,
  hashChildren,
  hashLeaf,
  MerkleProofError,
  rootFromConsistencyProof,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './merkle.ts';
export type { NoteErrorCode, NoteSignature, NoteSigner, NoteVerifier } from './note.ts';
export {
  formatSignerKey,
  formatVerifierKey,
  generateNoteSigner,
  isValidKeyName,
  NoteError,
  noteKeyId,
  parseSignedNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  verifySignedNote,
} from './note.ts';
export type {
  IdentityLike,
  KeyRecord,
  RecordJson,
  RecordKind,
  RecordSigner,
  SignedKeyRecord,
} from './record.ts';
export {
  ed25519RecordSigner,
  HANDLE_RE,
  identityRecordKeys,
  parseRecordLeaf,
  RECORD_DOMAIN,
  RECORD_JSON_FIELDS,
  RECORD_VERSION,
  RecordFormatError,
  recordFromJson,
  recordLeaf,
  recordLeafHash,
  recordSigningBytes,
  recordToJson,
  verifyRecordPrevSignature,
  verifyRecordSignature,
  ZERO_HASH,
} from './record.ts';
export type { TransitionRefusal, TransitionResult } from './rules.ts';
export { checkTransition } from './rules.ts';
export type { KeyshareStateStore, StoredCheckpoint } from './state.ts';
export { MemoryStateStore } from './state.ts';
export type { TileRef } from './tile-path.ts';
export { formatTileIndex, formatTilePath, parseTilePath, TILE_HEIGHT, TILE_WIDTH } from './tile-path.ts';
export { parseEntryBundle, TileLogReader } from './tiles.ts';
export type { VerifiedRecord } from './verify.ts';
export {
  forgetVerifiedCheckpoints,
  verifyAbsenceAnswer,
  verifyCheckpointNote,
  verifyRecordAnswer,
} from './verify.ts';
export type { OwnHandleWatch, WatchAlert, WatchOptions } from './watch.ts';
export { watchOwnHandle } from './watch.ts';
