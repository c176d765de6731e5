// Options, results and events of SealpeerClient (src/client.ts), and a small deferred-promise helper.

import type { RelayError } from '../errors/client-errors.ts';
import type { SessionReason } from '../errors/integrity.ts';
import type { TrustStore } from '../identity/trust-store.ts';
import type { InvitePayload } from '../invite/payload.ts';
import type { ContactPeer } from '../pairing/rendezvous.ts';
import type { RelayMessage, WebSocketCtor } from '../relay/connection.ts';
import type { FetchLike } from '../relay/http.ts';
import type { ReconnectOptions, RelayState } from '../relay/link.ts';
import type { Session } from '../session/session.ts';
import type { LocalKeys } from '../session/types.ts';

export interface ConnectOptions {
  /** Server base URL, e.g. https://relay.example or http://127.0.0.1:8080. */
  server: string;
  /** Channel to join; omitted → a new private channel is created. */
  channelId?: string;
  /** This device's keys: an `Identity` (src/identity). */
  identity: LocalKeys;
  /** WebSocket constructor; browsers have one, Node passes `(await import('ws')).WebSocket`. */
  WebSocket?: WebSocketCtor;
  fetch?: FetchLike;
  /** Relay sessionId (UUID); a fresh one by default. */
  sessionId?: string;
  /** Latest keyshare checkpoint to put in CONFIRM (2.6). Superseded by `checkpoints` when both are set. */
  checkpoint?: () => string | null;
  /** Latest keyshare checkpoints to put in CONFIRM (2.6), one per log this device holds one of. */
  checkpoints?: () => readonly string[];
  /** Milliseconds a session may take to open (default 30 000). */
  handshakeTimeoutMs?: number;
  /**
   * Trust store (src/identity): known contacts are checked before a KK session (a changed key blocks it
   * until the user accepts it) and contacts paired by QR invite are recorded as verified ('qr').
   */
  trustStore?: TrustStore;
  /**
   * Checks the peer's first keyshare checkpoint from CONFIRM, when it sent one (e.g. with src/keyshare's
   * checkPeerCheckpoint), before the session is open; a rejection ends it with `checkpoint_rejected`.
   */
  verifyPeerCheckpoint?: (checkpoint: string, session: Session) => Promise<unknown>;
  /**
   * Checks all the peer's keyshare checkpoints from CONFIRM (possibly none: e.g. to mark the peer "not
   * cross-checked"; src/keyshare's crossCheckPeer) before the session is open — the pairing promise
   * resolves only after it; a rejection ends the session with `checkpoint_rejected` (the error is the
   * SignalingIntegrityError's `cause`).
   */
  verifyPeerCheckpoints?: (checkpoints: readonly string[], session: Session) => Promise<unknown>;
  /** Relay liveness (docs/protocol.md 2.13): echo ping interval (default 2 000 ms)… */
  pingIntervalMs?: number;
  /** …and the silence after which the socket counts as dead (default 5 000 ms). */
  deadAfterMs?: number;
  /** Reconnect backoff and when to give up (default: keep trying), see relay/link.ts. */
  reconnect?: ReconnectOptions;
  /** Session frames that may wait for the relay (or the peer) to come back (default 1 000). */
  sendQueueLimit?: number;
}

/** Optional naming of the peer in the trust store. */
export interface ContactOptions {
  /** The app's name for this contact in the trust store. */
  contactId?: string;
}

export interface Invite {
  uri: string;
  payload: InvitePayload;
  expiresAt: Date;
  /** Resolves with the open session once a scanner paired (rejects on refusal or expiry). */
  session: Promise<Session>;
  cancel(): void;
}

export interface ShownCode {
  code: string;
  /** Resolves with the open session once the joiner paired; rejects after the one try failed. */
  session: Promise<Session>;
  cancel(): void;
}

export type ClientEvents = {
  /** A session a peer started with this device (invite answered, code answered, known contact). */
  session: [Session];
  /** A frame dropped without effect (docs/protocol.md 2.8): a stranger's, one for no session, one out of place. */
  stray: [RelayMessage, SessionReason, string];
  /** A pairing attempt this device refused (e.g. a second use of an invite). */
  refused: [SessionReason, string];
  /**
   * The relay connection's state (2.13): `reconnecting` (with what was lost) → `connected`, or
   * `offline` (terminal; `close` follows). Never an integrity verdict.
   */
  'relay-state': [RelayState, RelayError | undefined];
  /** The relay is gone for good (the client gave up reconnecting, or was taken over). */
  close: [RelayError];
  /** A contact listened for with listenContacts() came online (its relay clientId) or went offline. */
  'contact-presence': [ContactPeer, 'online' | 'offline'];
};

export interface Pending<T> {
  resolve: (v: T) => void;
  reject: (e: Error) => void;
}

export function deferred<T>(): Pending<T> & { promise: Promise<T> } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

export const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
