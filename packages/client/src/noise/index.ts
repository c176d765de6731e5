export { CipherState, NOISE_MAX_MESSAGE } from './cipher-state.ts';
export { NoiseError, type NoiseErrorCode } from './errors.ts';
export {
  generateKeyPair,
  type HandshakeOptions,
  HandshakeState,
  type KeyPair,
  keyPairFromPrivateKey,
  type SplitResult,
} from './handshake-state.ts';
export { getPattern, parseProtocolName, SUPPORTED_BASE_PATTERNS } from './patterns.ts';
export { noiseHkdf, SymmetricState } from './symmetric-state.ts';
