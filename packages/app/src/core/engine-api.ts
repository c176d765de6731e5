// The app's view of sealpeer: everything the screens may ask for. Implemented over @sealpeer/client in
// core/engine.ts; screens depend on this interface only.
import type { ContactRendezvous } from './contact-link.ts';
import type { ContactBook, ContactView } from './contacts.ts';
import type { LinkOffer, LinkSendState, ShownLink } from './device-link.ts';
import type { HideIpSettings } from './hide-ip.ts';
import type { PeerModel, Signal } from './model.ts';
import type { SavedContact } from './saved-contacts.ts';

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
  /**
   * "Hide my IP address from peers": global and per contact (core/hide-ip.ts). Applies to WebRTC links
   * started after a change; call `changed.emit()` after setting it.
   */
  readonly hideIp: HideIpSettings;
  /** Whether this server issues TURN credentials (without them a hidden IP means no calls). */
  readonly turnOffered: boolean;
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

  // ---- saved contacts: reached without an invite through their rendezvous (docs/protocol.md 2.14) ----
  readonly rendezvous: Pick<ContactRendezvous, 'status' | 'start' | 'refresh'>;
  /** Whether this device published its keys on a keyshare of this server (then it takes requests). */
  published(): Promise<boolean>;
  /** Contact requests (path 4) waiting for this user's answer. */
  contactRequests(): PeerModel[];
  /** Accepts a request: saves the caller under `name`; the session goes on. */
  acceptRequest(peerId: string, name: string): Promise<void>;
  /** Declines a request: the session ends. */
  declineRequest(peerId: string): void;
  savedContacts(): readonly SavedContact[];
  savedContact(id: string): SavedContact | undefined;
  /** The saved contact a pairing is with, if its identity is saved. */
  savedContactOf(peerId: string): SavedContact | undefined;
  /** Saves the peer of an open pairing (QR, short code, contact) under `name`. */
  saveContact(peerId: string, name: string): Promise<void>;
  /** Saves a contact looked up on a keyshare. */
  saveLookedUp(view: ContactView, name: string): Promise<SavedContact>;
  /** A key verified through a keyshare lookup: its saved contact and pairings show verified too. */
  keyVerified(view: ContactView): Promise<void>;
  renameContact(id: string, name: string): Promise<void>;
  deleteContact(id: string): Promise<void>;
  /** Whether the contact listens on its rendezvous now (both devices online). */
  contactOnline(id: string): boolean;
  /** The live pairing with a contact, if any. */
  contactPeer(id: string): PeerModel | undefined;
  /** Chat/Call: the live pairing with the contact, or a new sealed session (error when it is offline). */
  chatContact(id: string): Promise<string>;
  exportContacts(): string;
  /** Adds the contacts of an export file; resolves with how many were new. */
  importContacts(text: string): Promise<number>;

  // ---- link another device (docs/protocol.md 2.15) ----
  /** Shows a QR invite; the device that scans it gets this device's contacts and pinned keyshares. */
  linkDevice(onState: (s: LinkSendState) => void): Promise<ShownLink>;
  /** A transfer received from another device of the user's on this pairing, if any. */
  linkOffer(peerId: string): LinkOffer | undefined;
  /** Imports the offered transfer (the user confirmed what it holds). */
  importLink(peerId: string): Promise<void>;
}
