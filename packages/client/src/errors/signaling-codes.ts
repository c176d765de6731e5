// Error codes of sealed signaling, one table per error class (docs/errors.md, section "Client",
// "Sealed signaling"). Aggregated with every other module's table by ./registry.ts.
import type {
  EnvelopeErrorCode,
  InviteErrorCode,
  RelayErrorCode,
  SessionErrorCode,
} from './client-errors.ts';

export const SIGNALING_INTEGRITY_CODES = {
  signaling_integrity: 'SignalingIntegrityError: proof of tampering; `reason` says which rule',
} as const;

export const CONNECT_ERROR_CODES = {
  connect_failed: 'ConnectError: could not connect, no sign of tampering; `reason` says why',
} as const;

export const ENVELOPE_ERROR_CODES: Record<EnvelopeErrorCode, string> = {
  malformed: 'EnvelopeError: the relay data string is not a valid frame',
  bad_version: 'EnvelopeError: the frame version is not 1',
};

export const INVITE_ERROR_CODES: Record<InviteErrorCode, string> = {
  invite_bad_version: 'InviteError: the invite payload has another version',
  invite_truncated: 'InviteError: the invite payload ends inside a field',
  invite_trailing_bytes: 'InviteError: bytes follow the last field of the invite',
  invite_malformed: 'InviteError: not an invite URI, bad base64url, bad UTF-8, bad URL or bad lengths',
  invite_expired: 'InviteError: the invite expiry has passed',
};

export const RELAY_ERROR_CODES: Record<RelayErrorCode, string> = {
  relay_unreachable: 'RelayError: the server could not be reached',
  relay_http_error: 'RelayError: the HTTP API answered with an error (serverCode has its code)',
  relay_refused: 'RelayError: the relay refused the login or a frame (serverCode has its code)',
  relay_closed: 'RelayError: the relay connection closed',
  relay_punted: 'RelayError: another login with the same credential took over this connection',
  relay_bad_frame: 'RelayError: the relay sent a frame that is not valid Part 1 JSON',
  relay_timeout: 'RelayError: the relay stopped answering (dead socket, liveness ping)',
  relay_offline: 'RelayError: the client gave up reconnecting to the relay',
};

export const SESSION_ERROR_CODES: Record<SessionErrorCode, string> = {
  session_not_open: 'SessionError: send() before the session is open',
  session_closed: 'SessionError: the session is closed or failed',
  message_too_large: 'SessionError: the message does not fit the largest padding bucket',
  bad_argument: 'SessionError: an argument has the wrong type or form',
  send_queue_full: 'SessionError: the relay is away and the queue of unsent frames is full',
  contact_offline: 'SessionError: the contact is not listening on its rendezvous tag (offline)',
};

/** Every sealed-signaling code in one flat table (codes are unique within sealed signaling). */
export const CLIENT_ERROR_CODES: Record<
  | 'signaling_integrity'
  | 'connect_failed'
  | EnvelopeErrorCode
  | InviteErrorCode
  | RelayErrorCode
  | SessionErrorCode,
  string
> = {
  ...SIGNALING_INTEGRITY_CODES,
  ...CONNECT_ERROR_CODES,
  ...ENVELOPE_ERROR_CODES,
  ...INVITE_ERROR_CODES,
  ...RELAY_ERROR_CODES,
  ...SESSION_ERROR_CODES,
};
