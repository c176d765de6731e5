// What the screens show about peers: plain data plus a change signal. The engine (core/engine.ts) is the
// only writer; screens read and re-render on `changed`.

/** Trust in the peer's identity key (trust store, docs/protocol.md 2.7). */
export type TrustState = 'unverified' | 'verified' | 'key-changed';
/** The sealed session: pairing → open; failed/closed are terminal (docs/protocol.md 2.8). */
export type LinkState = 'pairing' | 'open' | 'failed' | 'closed';
/**
 * The split-view cross-check of the keyshare logs with the peer (docs/protocol.md 2.6): `pending` until
 * the session opens; `not-cross-checked` when the peer sent no checkpoint of a log this device holds
 * (or its proof could not be had) — shown, never taken as checked; `none` when this device holds none.
 */
export type CrossCheckState = 'pending' | 'cross-checked' | 'not-cross-checked' | 'none';
/**
 * The WebRTC connection negotiated through the sealed session. `no-relay`: this device hides its IP
 * address from the peer but got no TURN relay (none on the server, or no credentials), so it made no
 * WebRTC connection at all rather than show its address; chat still works (sealed, through the relay).
 */
export type RtcState = 'idle' | 'connecting' | 'open' | 'closed' | 'failed' | 'no-relay';
/** An audio/video call over the WebRTC link; `ended`: hung up by either side (sealed `hangup`, 2.12). */
export type CallState = 'none' | 'outgoing' | 'incoming' | 'active' | 'ended';

export interface ChatLine {
  from: 'me' | 'peer' | 'system';
  text: string;
  at: number;
}

export interface PeerError {
  /** Reason code, e.g. `bad_tag` or `key_changed`. */
  reason: string;
  message: string;
}

export interface PeerModel {
  /** Local id of this pairing (the sealed session id in hex). */
  readonly id: string;
  readonly channelId: string;
  /** How the pairing was made. */
  readonly path: 'invite' | 'code' | 'contact' | 'request';
  /**
   * A contact request (path 4, docs/protocol.md 2.14) this side has not accepted yet: nothing the peer
   * sends is shown and no WebRTC starts until the user accepts; declining ends the session.
   */
  pendingRequest: boolean;
  /** Short human label for the peer (start of its identity fingerprint). */
  label: string;
  /** The peer's identity key fingerprint (hex), once known. */
  peerFingerprint: string | undefined;
  /** 60-digit safety number of the pair, once the session is open. */
  safetyNumber: string | undefined;
  trust: TrustState;
  crossCheck: CrossCheckState;
  /** Which logs were not cross-checked and why (for the label's title). */
  crossCheckDetail: string;
  link: LinkState;
  rtc: RtcState;
  /**
   * Whether this device hides its IP address from this peer (core/hide-ip.ts): TURN relay candidates
   * only. Undefined until WebRTC starts.
   */
  hideIp: boolean | undefined;
  /** DTLS fingerprint check of the WebRTC connection against the sealed SDP (a mismatch fails the link). */
  dtls: 'pending' | 'verified' | 'skipped' | 'mismatch';
  /** Set when the session failed: integrity error, key change, abort. */
  error: PeerError | undefined;
  /**
   * 'pending' while the peer's app holds our new key for review: it sent `{"t":"review"}` (protocol 2.12,
   * "Key-change review") and no `{"t":"accepted"}` yet.
   */
  peerReview: 'none' | 'pending';
  /** Chat lines: sealed application messages through the relay session (docs/protocol.md 2.12). */
  messages: ChatLine[];
  call: CallState;
  localStream: MediaStream | undefined;
  remoteStream: MediaStream | undefined;
}

type Listener = () => void;

/** A minimal change signal (no event-emitter dependency). */
export class Signal {
  private readonly listeners = new Set<Listener>();
  on(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  emit(): void {
    for (const fn of [...this.listeners]) fn();
  }
}

/** Groups safety-number digits in blocks of five for reading aloud. */
export function groupDigits(digits: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < digits.length; i += 5) out.push(digits.slice(i, i + 5));
  return out;
}
