// How a sealed session ends (docs/protocol.md Part 2, 2.7 and 2.8). Every reason sits on exactly one
// side: an *integrity* failure (SignalingIntegrityError, only with cryptographic proof of tampering),
// *could not connect* (ConnectError: anything the relay could cause by dropping, delaying or lying about
// presence, or a peer that refused), or *dropped only* (a frame that proves nothing; never ends a session).
import { CodedError } from '../crypto/errors.ts';

/** Every session reason; the 1-based index is the ABORT reason byte (docs/protocol.md 2.8). */
export const SESSION_REASONS = [
  'malformed',
  'bad_version',
  'route_mismatch',
  'replay',
  'counter_gap',
  'unexpected_type',
  'handshake_failed',
  'bad_tag',
  'bad_padding',
  'identity_mismatch',
  'invite_unknown',
  'invite_expired',
  'invite_used',
  'unknown_peer',
  'dtls_fingerprint_mismatch',
  'peer_aborted',
  'timeout',
  'closed',
  'wrong_session',
  'checkpoint_rejected',
  'peer_unreachable',
  'peer_alarm',
  'attempts_exhausted',
  'wrong_code',
] as const;

export type SessionReason = (typeof SESSION_REASONS)[number];

/** Integrity side: only with cryptographic proof (2.8). */
export const INTEGRITY_REASONS = [
  'replay',
  'counter_gap',
  'handshake_failed',
  'bad_tag',
  'bad_padding',
  'identity_mismatch',
  'dtls_fingerprint_mismatch',
  'checkpoint_rejected',
  'peer_alarm',
] as const satisfies readonly SessionReason[];
export type IntegrityReason = (typeof INTEGRITY_REASONS)[number];

/** Could-not-connect side (2.8). */
export const CONNECT_REASONS = [
  'malformed',
  'unexpected_type',
  'invite_unknown',
  'invite_expired',
  'invite_used',
  'unknown_peer',
  'peer_aborted',
  'timeout',
  'closed',
  'peer_unreachable',
  'attempts_exhausted',
  'wrong_code',
] as const satisfies readonly SessionReason[];
export type ConnectReason = (typeof CONNECT_REASONS)[number];

/** Reasons that only ever name a dropped frame (2.8). */
export const DROP_ONLY_REASONS = [
  'route_mismatch',
  'wrong_session',
  'bad_version',
] as const satisfies readonly SessionReason[];

export type ReasonSide = 'integrity' | 'connect' | 'dropped';

export function reasonSide(r: SessionReason): ReasonSide {
  if ((INTEGRITY_REASONS as readonly string[]).includes(r)) return 'integrity';
  if ((CONNECT_REASONS as readonly string[]).includes(r)) return 'connect';
  return 'dropped';
}

/** ABORT reason byte of a reason (1-based index in SESSION_REASONS). */
export function reasonToByte(r: SessionReason): number {
  return SESSION_REASONS.indexOf(r) + 1;
}

/** Reason of an ABORT byte; unknown bytes read as 'malformed'. */
export function reasonFromByte(b: number | undefined): SessionReason {
  return (b === undefined ? undefined : SESSION_REASONS[b - 1]) ?? 'malformed';
}

export function isSessionReason(s: unknown): s is SessionReason {
  return typeof s === 'string' && (SESSION_REASONS as readonly string[]).includes(s);
}

export function isIntegrityReason(s: unknown): s is IntegrityReason {
  return typeof s === 'string' && (INTEGRITY_REASONS as readonly string[]).includes(s);
}

const MESSAGES: Record<SessionReason, string> = {
  malformed: 'the other device sent a message this version cannot read (update both apps and try again)',
  bad_version: 'a relayed frame has an unsupported version',
  route_mismatch: 'a frame came from another client than the session peer',
  replay: 'a sealed frame repeated an old counter (replay)',
  counter_gap: 'sealed frames were dropped or reordered on the way',
  unexpected_type:
    'the other device sent a message not allowed at this point (update both apps and try again)',
  handshake_failed: 'the handshake failed: wrong key, wrong secret or a tampered message',
  bad_tag: 'a sealed frame failed authentication (tampered or injected)',
  bad_padding: 'a sealed frame had invalid padding',
  identity_mismatch: "the peer's identity key does not match the expected one",
  invite_unknown: 'the inviter does not know this invite: ask for a new one',
  invite_expired: 'the invite has expired: ask for a new one',
  invite_used: 'the invite was already used: ask for a new one',
  unknown_peer: 'the other device does not know this device as a contact: pair again',
  dtls_fingerprint_mismatch: 'the DTLS fingerprint of the connection differs from the sealed SDP',
  peer_aborted: 'the other device ended the attempt',
  timeout: 'the other device did not answer in time: check it is online and try again',
  closed: 'the connection to the relay closed before the session opened: try again',
  wrong_session: "a frame of another sealed session arrived from this session's peer",
  checkpoint_rejected: "the peer's keyshare checkpoint did not check out (split view or invalid)",
  peer_unreachable: 'the relay says the other device is not in the channel: check it is online and try again',
  peer_alarm: 'the other device refused a tampered message and ended the session',
  attempts_exhausted: 'too many tries for this code: show a new code',
  wrong_code: 'no device in the channel answered with a matching code: check the code and try again',
};

/** The user-facing text of a reason. */
export function reasonMessage(r: SessionReason): string {
  return MESSAGES[r];
}

function text(reason: SessionReason, detail?: string, peerReason?: SessionReason): string {
  return `${MESSAGES[reason]}${peerReason ? ` (peer: ${MESSAGES[peerReason]})` : ''}${detail ? `: ${detail}` : ''}`;
}

/** Proof of tampering; `code` is always 'signaling_integrity', `reason` says which rule (2.8). */
export class SignalingIntegrityError extends CodedError<'signaling_integrity'> {
  override readonly name = 'SignalingIntegrityError';
  readonly kind = 'integrity' as const;
  readonly reason: IntegrityReason;
  /** For `peer_alarm`: the reason the peer gave, authenticated (sealed ABORT). */
  readonly peerReason: SessionReason | undefined;
  constructor(reason: IntegrityReason, detail?: string, peerReason?: SessionReason) {
    super('signaling_integrity', text(reason, detail, peerReason));
    this.reason = reason;
    this.peerReason = peerReason;
  }
}

/** Could not connect (no proof of tampering); `code` is always 'connect_failed' (2.8). */
export class ConnectError extends CodedError<'connect_failed'> {
  override readonly name = 'ConnectError';
  readonly kind = 'connect' as const;
  readonly reason: ConnectReason;
  /** For `peer_aborted`: the reason the peer gave (unauthenticated unless it came sealed). */
  readonly peerReason: SessionReason | undefined;
  constructor(reason: ConnectReason, detail?: string, peerReason?: SessionReason) {
    super('connect_failed', text(reason, detail, peerReason));
    this.reason = reason;
    this.peerReason = peerReason;
  }
}

export type SessionEndError = SignalingIntegrityError | ConnectError;

/** The error that ends a session for `reason` (integrity or connect side); undefined for drop-only reasons. */
export function sessionEndError(
  reason: SessionReason,
  detail?: string,
  peerReason?: SessionReason,
): SessionEndError | undefined {
  if (isIntegrityReason(reason)) return new SignalingIntegrityError(reason, detail, peerReason);
  if ((CONNECT_REASONS as readonly string[]).includes(reason))
    return new ConnectError(reason as ConnectReason, detail, peerReason);
  return undefined;
}
