// The app's view of sealpeer: everything the screens may ask for. Implemented over @sealpeer/client in
// core/engine.ts; screens depend on this interface only.
import type { ContactBook } from './contacts.ts';
import type { PeerModel, Signal } from './model.ts';

export interface DeviceInfo {
  /** Ed25519 identity public key, hex. */
  identityKey: string;
  /** Human-comparable fingerprint of this device's identity (digits, grouped by the UI). */
  fingerprint: string;
}

export interface ShownInvite {
  uri: string;
  /** Expiry, Unix milliseconds. */
  expiresAt: number;
  cancel(): void;
}

export interface ShownCode {
  code: string;
  cancel(): void;
}

/**
 * The relay connection of a channel: `connecting` (first login), `connected`, `reconnecting` (lost;
 * retrying, sealed sessions wait) or `offline` (could not connect, or another tab took over).
 */
export type RelayStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface Engine {
  readonly changed: Signal;
  /** Contacts looked up by keyshare handle. */
  readonly contacts: ContactBook;
  device(): DeviceInfo;
  /** Replaces this device's identity with a new one and reloads (contacts will see a key change). */
  replaceIdentity(): Promise<void>;
  /** Connects this device to a channel's relay (idempotent) so peers can reach it. */
  enterChannel(channelId: string): Promise<void>;
  /** The state of this device's relay connection in a channel (re-read on `changed`). */
  relayState(channelId: string): RelayStatus;
  /** Peers of a channel, newest first. */
  peers(channelId: string): PeerModel[];
  peer(id: string): PeerModel | undefined;
  /** Shows a QR invite for `channelId`; the pairing appears in `peers` when someone scans it. */
  createInvite(channelId: string): Promise<ShownInvite>;
  /** Pairs with the inviter of `uri`; resolves with the new peer's channel and id. */
  acceptInvite(uri: string): Promise<{ channelId: string; peerId: string }>;
  /** Shows a one-try short code in `channelId`. */
  showCode(channelId: string): Promise<ShownCode>;
  /** Pairs with whoever shows `code` in `channelId`. */
  joinWithCode(channelId: string, code: string): Promise<{ peerId: string }>;
  /** Sends a chat line to the peer, sealed, through the relay session (docs/protocol.md 2.12). */
  sendChat(peerId: string, text: string): void;
  markVerified(peerId: string): Promise<void>;
  /**
   * Accepts the changed key shown on this peer's panel (only that key: rejects with TrustError
   * key_mismatch if another was presented since); later sessions with it are allowed again.
   */
  acceptKeyChange(peerId: string): Promise<void>;
  /** Starts a call, or answers an incoming one (turns on this side's camera and microphone). */
  startCall(peerId: string): Promise<void>;
  /** Hangs up or declines; the peer is told (sealed `hangup`) and ends its side too. */
  endCall(peerId: string): void;
  close(peerId: string): void;
}
