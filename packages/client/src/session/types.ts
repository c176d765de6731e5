// Types shared by the session state machine and the pairing paths.
import type { SessionReason } from '../errors/integrity.ts';
import type { PublicIdentity } from '../identity/public-identity.ts';
import type { KeyPair } from '../noise/index.ts';
import type { RelayMessage } from '../relay/connection.ts';
import type { Session } from './session.ts';

/** What a device brings to a session: its keys. src/identity's `Identity` is one. */
export interface LocalKeys {
  /** X25519 static key pair (the Noise `s`). */
  readonly staticKeyPair: KeyPair;
  /** Public half: Ed25519 identity key and X25519 static key. */
  readonly publicIdentity: PublicIdentity;
  /** Ed25519 signature with the identity key. */
  sign(message: Uint8Array): Uint8Array;
}

/** What a session needs from its client. */
export interface SessionHost {
  readonly clientId: string;
  readonly channelId: string;
  readonly local: LocalKeys;
  /** Relay send (direct message) and publish (channel broadcast) of a `data` string. */
  relaySend(to: string, data: string, sessionId?: string): void;
  relayPublish(data: string): void;
  /** Throws (SessionError `send_queue_full`, RelayError `relay_offline`) when `send()` data cannot wait. */
  reserveSend?(): void;
  /** This device's latest keyshare checkpoints for the CONFIRM slot (2.6), one per log; may be empty. */
  checkpoints(): readonly string[];
  /**
   * Checks the peer's CONFIRM checkpoints before the session is reported open (2.6, 2.8 `checking`);
   * a rejection ends the session with `checkpoint_rejected`. undefined: nothing to check.
   */
  checkPeer?(session: Session): Promise<void> | undefined;
  /** A frame dropped without effect (2.8): counted and reported as `stray`. */
  dropped(msg: RelayMessage, reason: SessionReason, detail: string): void;
  /** A session now runs under another sid (short-code path after CPace, 2.7). */
  renameSession(oldId: string, session: Session): void;
  /** Joiner: ms a matching PAKE2 may still come after one whose tag failed (default 3000, 2.7). */
  readonly pake2GraceMs?: number;
  /** Milliseconds a session may spend before it is open. */
  readonly handshakeTimeoutMs: number;
}

export type SessionState =
  | 'pake'
  | 'await-hello'
  | 'handshaking'
  | 'confirming'
  | 'checking'
  | 'open'
  | 'closed'
  | 'failed';

export type Role = 'initiator' | 'responder';
