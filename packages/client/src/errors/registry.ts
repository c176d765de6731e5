// The one registry of error codes of the sealed-signaling client (docs/errors.md, section "Client";
// test/errors-registry.test.ts checks the two against each other both ways).
import type {
  EnvelopeErrorCode,
  InviteErrorCode,
  RelayErrorCode,
  SessionErrorCode,
} from './client-errors.ts';
import { INTEGRITY_REASONS } from './integrity.ts';

export const CLIENT_ERROR_CODES: Record<
  'signaling_integrity' | EnvelopeErrorCode | InviteErrorCode | RelayErrorCode | SessionErrorCode,
  string
> = {
  signaling_integrity: 'SignalingIntegrityError: a sealed frame was refused; `reason` says which rule',
  malformed: 'EnvelopeError: the relay data string is not a valid frame',
  bad_version: 'EnvelopeError: the frame version is not 1',
  invite_bad_version: 'InviteError: the invite payload has another version',
  invite_truncated: 'InviteError: the invite payload ends inside a field',
  invite_trailing_bytes: 'InviteError: bytes follow the last field of the invite',
  invite_malformed: 'InviteError: not an invite URI, bad base64url, bad UTF-8, bad URL or bad lengths',
  invite_expired: 'InviteError: the invite expiry has passed',
  relay_unreachable: 'RelayError: the server could not be reached',
  relay_http_error: 'RelayError: the HTTP API answered with an error (serverCode has its code)',
  relay_refused: 'RelayError: the relay refused the login or a frame (serverCode has its code)',
  relay_closed: 'RelayError: the relay connection closed',
  relay_punted: 'RelayError: another login with the same credential took over this connection',
  relay_bad_frame: 'RelayError: the relay sent a frame that is not valid Part 1 JSON',
  session_not_open: 'SessionError: send() before the session is open',
  session_closed: 'SessionError: the session is closed or failed',
  message_too_large: 'SessionError: the message does not fit the largest padding bucket',
  bad_argument: 'SessionError: an argument has the wrong type or form',
};

/** Every `reason` a SignalingIntegrityError may carry. */
export const INTEGRITY_REASON_CODES: readonly string[] = INTEGRITY_REASONS;
