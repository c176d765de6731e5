// Types shared by the session state machine and the pairing paths.
import type { KeyPair } from '../noise/index.ts';

/** What a device brings to a session: its keys (see src/identity for the persisted Identity). */
export interface LocalKeys {
  /** X25519 static key pair (the Noise `s`). */
  staticKeyPair: KeyPair;
  /** Ed25519 identity public key (shown in safety numbers). */
  identityPublicKey: Uint8Array;
  /** Ed25519 signature with the identity key. */
  sign(message: Uint8Array): Uint8Array;
}

/** What a session needs from its client. */
export interface SessionHost {
  readonly clientId: string;
  readonly channelId: string;
  readonly local: LocalKeys;
  /** Relay send (direct message) and publish (channel broadcast) of a `data` string. */
  relaySend(to: string, data: string): void;
  relayPublish(data: string): void;
  /** The safety number of this device and a peer, from their Ed25519 identity keys. */
  safetyNumber(localIdentityKey: Uint8Array, remoteIdentityKey: Uint8Array): string;
  /** This device's latest keyshare checkpoint for the CONFIRM slot (2.6), or null. */
  checkpoint(): string | null;
  /** Milliseconds a session may spend before it is open. */
  readonly handshakeTimeoutMs: number;
}

export type SessionState =
  | 'pake'
  | 'await-hello'
  | 'handshaking'
  | 'confirming'
  | 'open'
  | 'closed'
  | 'failed';

export type Role = 'initiator' | 'responder';
