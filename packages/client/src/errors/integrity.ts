// SignalingIntegrityError: every refusal of a sealed-signaling frame (docs/protocol.md Part 2, 2.8).
// The session that raised it is over (terminal `failed` state); nothing from the refused frame was delivered.
import { CodedError } from '../crypto/errors.ts';

/** Why a session refused a frame; also the ABORT reason byte (docs/protocol.md 2.8). */
export const INTEGRITY_REASONS = [
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
] as const;

export type IntegrityReason = (typeof INTEGRITY_REASONS)[number];

/** ABORT reason byte of a reason (1-based index in INTEGRITY_REASONS). */
export function reasonToByte(r: IntegrityReason): number {
  return INTEGRITY_REASONS.indexOf(r) + 1;
}

/** Reason of an ABORT byte; unknown bytes read as 'malformed'. */
export function reasonFromByte(b: number): IntegrityReason {
  return INTEGRITY_REASONS[b - 1] ?? 'malformed';
}

export function isIntegrityReason(s: unknown): s is IntegrityReason {
  return typeof s === 'string' && (INTEGRITY_REASONS as readonly string[]).includes(s);
}

const MESSAGES: Record<IntegrityReason, string> = {
  malformed: 'a relayed frame was malformed',
  bad_version: 'a relayed frame has an unsupported version',
  route_mismatch: 'a frame came from another client than the session peer (re-routed by the relay)',
  replay: 'a frame repeated an old counter (replay)',
  counter_gap: 'frames were dropped or reordered on the way',
  unexpected_type: 'a frame of a type not allowed at this point arrived',
  handshake_failed: 'the handshake failed: wrong invite, wrong code, wrong key or tampered message',
  bad_tag: 'a sealed frame failed authentication (tampered or injected)',
  bad_padding: 'a sealed frame had invalid padding',
  identity_mismatch: "the peer's identity key does not match the expected one",
  invite_unknown: 'the invite is not known to the inviter',
  invite_expired: 'the invite has expired: ask for a new one',
  invite_used: 'the invite was already used: ask for a new one',
  unknown_peer: 'the peer does not know this device as a contact',
  dtls_fingerprint_mismatch: 'the DTLS fingerprint of the connection differs from the sealed SDP',
  peer_aborted: 'the peer ended the session after a refusal',
  timeout: 'the peer did not answer in time',
  closed: 'the connection to the relay closed during the handshake',
  wrong_session: "a frame of another sealed session arrived from this session's peer",
  checkpoint_rejected: "the peer's keyshare checkpoint did not check out (split view or invalid)",
  peer_unreachable: 'the relay says the peer is not in the channel (it left, or never was)',
};

/** Typed refusal; `code` is always 'signaling_integrity', `reason` says which rule. */
export class SignalingIntegrityError extends CodedError<'signaling_integrity'> {
  override readonly name = 'SignalingIntegrityError';
  readonly reason: IntegrityReason;
  /** For `peer_aborted`: the reason the peer gave (unauthenticated). */
  readonly peerReason: IntegrityReason | undefined;
  constructor(reason: IntegrityReason, detail?: string, peerReason?: IntegrityReason) {
    super(
      'signaling_integrity',
      `${MESSAGES[reason]}${peerReason ? ` (peer: ${MESSAGES[peerReason]})` : ''}${detail ? `: ${detail}` : ''}`,
    );
    this.reason = reason;
    this.peerReason = peerReason;
  }
}
