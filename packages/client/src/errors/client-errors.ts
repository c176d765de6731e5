// The other typed errors of the sealed-signaling client. Each `code` is listed in ./signaling-codes.ts
// (aggregated by ./registry.ts) and in docs/errors.md (section "Client").
import { CodedError } from '../crypto/errors.ts';

export type EnvelopeErrorCode = 'malformed' | 'bad_version';
/** A relay `data` string that is not a well-formed frame (docs/protocol.md 2.1). */
export class EnvelopeError extends CodedError<EnvelopeErrorCode> {
  override readonly name = 'EnvelopeError';
}

export type InviteErrorCode =
  | 'invite_bad_version'
  | 'invite_truncated'
  | 'invite_trailing_bytes'
  | 'invite_malformed'
  | 'invite_expired';
/** An invite URI or payload the parser refuses (docs/protocol.md 2.9). */
export class InviteError extends CodedError<InviteErrorCode> {
  override readonly name = 'InviteError';
}

export type RelayErrorCode =
  | 'relay_unreachable'
  | 'relay_http_error'
  | 'relay_refused'
  | 'relay_closed'
  | 'relay_punted'
  | 'relay_bad_frame'
  | 'relay_timeout'
  | 'relay_offline';
/** Transport trouble with the relay server (Part 1). `serverCode` is the server's own code, if any. */
export class RelayError extends CodedError<RelayErrorCode> {
  override readonly name = 'RelayError';
  readonly serverCode: string | undefined;
  constructor(code: RelayErrorCode, message: string, serverCode?: string) {
    super(code, message);
    this.serverCode = serverCode;
  }
}

export type SessionErrorCode =
  | 'session_not_open'
  | 'session_closed'
  | 'message_too_large'
  | 'bad_argument'
  | 'send_queue_full'
  | 'contact_offline';
/** Misuse of a session or client by the application (not an attack). */
export class SessionError extends CodedError<SessionErrorCode> {
  override readonly name = 'SessionError';
}
