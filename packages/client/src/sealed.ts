// Public API of sealed signaling (issue 4): client, sessions, invites, the types their options name, errors.
// Relay connections, pairing messages and envelope frames are building blocks: subpaths /relay, /pairing,
// /envelope.

export {
  APP_MESSAGE_MAX_BYTES,
  APP_TEXT_MAX_BYTES,
  type AppMessage,
  type AppMessageProblem,
  type DecodedAppMessage,
  decodeAppMessage,
  encodeAppMessage,
} from './chat/app-message.ts';
export {
  type ClientEvents,
  type ConnectOptions,
  type ContactOptions,
  type Invite,
  SealpeerClient,
  type ShownCode,
} from './client.ts';
export { EnvelopeError, InviteError, RelayError, SessionError } from './errors/client-errors.ts';
export {
  CONNECT_REASONS,
  ConnectError,
  type ConnectReason,
  INTEGRITY_REASONS,
  type IntegrityReason,
  reasonSide,
  SESSION_REASONS,
  type SessionEndError,
  type SessionReason,
  SignalingIntegrityError,
} from './errors/integrity.ts';
export {
  CLIENT_ERROR_CODES,
  CLIENT_ERROR_REGISTRY,
  type ErrorGroup,
  type RegisteredError,
  registeredError,
} from './errors/registry.ts';
export {
  decodeInvitePayload,
  encodeInvitePayload,
  INVITE_TTL_MS,
  type InvitePayload,
  inviteQrPngDataUrl,
  inviteQrSvg,
  inviteQrTerminal,
  inviteUri,
  parseInviteUri,
} from './invite/index.ts';
export type { ContactPeer, KnownPeer } from './pairing/index.ts';
export type {
  ReconnectOptions,
  RelayState,
  TurnIceServer,
  TurnServers,
  WebSocketCtor,
  WebSocketLike,
} from './relay/index.ts';
export { Session, type SessionEvents } from './session/session.ts';
export type { LocalKeys, SessionState } from './session/types.ts';
export type {
  BufferedSignal,
  DtlsCheck,
  RTCPeerConnectionCtor,
  RTCPeerConnectionLike,
  WebRTCLink,
  WebRTCOptions,
} from './webrtc/index.ts';
export { MAX_EARLY_SIGNALS, relayOnlyCandidate, relayOnlySdp, SignalBuffer } from './webrtc/index.ts';
