// One peer: its sealed session, what the UI shows about it (PeerModel), chat as sealed application
// messages through the relay session (docs/protocol.md 2.12, the CLI's format too), and the WebRTC link
// (call media) negotiated through the session. A session refusal or a key change ends any WebRTC
// connection; only proof of tampering (SignalingIntegrityError) shows the red warning, a session that
// could not connect (ConnectError) gets a neutral note that says what to do (docs/protocol.md 2.8);
// nothing is sent to the peer after that. A peer without WebRTC (the `sealpeer` CLI) never answers: the
// link just stays "connecting", chat works all the same.
import {
  type AppMessage,
  type ConnectError,
  type CrossCheck,
  decodeAppMessage,
  encodeAppMessage,
  KeyshareIntegrityError,
  type PublicIdentity,
  type Session,
  SignalBuffer,
  type SignalingIntegrityError,
} from '@sealpeer/client';
import type { PeerKeys } from './keys.ts';
import { isLinkMessage } from './link-transfer.ts';
import type { PeerModel, TrustState } from './model.ts';
import { connectRtc, type RtcLink, type RtcSetup } from './rtc.ts';

export interface PeerLinkHooks {
  changed(): void;
  rtcSetup(): Promise<RtcSetup>;
  /** Shows the page-level integrity warning. */
  onFailure(title: string, body: string, code: string): void;
  /** A `device-link` APP message (docs/protocol.md 2.15): validated by core/device-link.ts. */
  onLinkMessage?(bytes: Uint8Array): void;
}

/** Longest chat line the app sends, in UTF-16 units (at most 12 000 bytes of UTF-8: under the 2.12 limit). */
const MAX_CHAT_CHARS = 4000;
/** Texts and hang-ups held while the peer's key is being checked or awaits acceptance. */
const MAX_HELD = 100;

export class PeerLink {
  readonly model: PeerModel;
  address: string | undefined;
  peerIdentity: PublicIdentity | undefined;
  private rtc: RtcLink | undefined;
  /** Application messages that came before this side may act on them (key check pending or refused). */
  private readonly held: AppMessage[] = [];
  /** WebRTC signals that arrive before the link starts (the peer may be quicker, or its key unaccepted). */
  private readonly early: SignalBuffer;

  constructor(
    readonly session: Session,
    channelId: string,
    path: PeerModel['path'],
    private readonly hooks: PeerLinkHooks,
  ) {
    this.model = {
      id: session.id,
      channelId,
      path,
      label: `#${session.id.slice(0, 4)}`,
      peerFingerprint: undefined,
      safetyNumber: undefined,
      trust: 'unverified',
      crossCheck: 'pending',
      crossCheckDetail: '',
      pendingRequest: path === 'request' && session.role === 'responder',
      link: 'pairing',
      rtc: 'idle',
      hideIp: undefined,
      dtls: 'pending',
      error: undefined,
      peerReview: 'none',
      messages: [],
      call: 'none',
      localStream: undefined,
      remoteStream: undefined,
    };
    session.on('integrity-error', (err) => this.fail(err));
    session.on('connect-failed', (err) => this.notConnected(err));
    this.early = new SignalBuffer(session);
    session.on('message', (bytes) => this.onAppMessage(bytes));
    session.on('close', (err) => {
      if (err) return; // integrity-error already handled it
      if (this.model.link !== 'failed') this.model.link = 'closed';
      this.stopRtc('closed');
      this.system('The peer ended the session.');
    });
  }

  private emit(): void {
    this.hooks.changed();
  }

  private system(text: string): void {
    this.model.messages.push({ from: 'system', text, at: Date.now() });
    this.emit();
  }

  /** The outcome of the keyshare cross-check (it ran before the session opened). */
  setCrossCheck(result: CrossCheck): void {
    this.model.crossCheck =
      result.status === 'cross_checked'
        ? 'cross-checked'
        : result.status === 'not_cross_checked'
          ? 'not-cross-checked'
          : 'none';
    this.model.crossCheckDetail = result.logs
      .map(
        (l) => `${l.origin}: ${l.status === 'not_cross_checked' ? `not cross-checked (${l.why})` : l.status}`,
      )
      .join('; ');
    this.emit();
  }

  /** The session is open and the peer's keys are checked against the trust store. */
  opened(keys: PeerKeys, address: string, trust: TrustState): void {
    this.address = address;
    this.peerIdentity = keys.identity;
    this.model.peerFingerprint = keys.fingerprint;
    this.model.label = keys.fingerprint.slice(0, 5);
    this.model.safetyNumber = keys.safetyNumber;
    // The session may have ended while the trust store was being asked: it stays failed/closed.
    if (this.model.link === 'pairing') this.model.link = 'open';
    this.model.trust = trust;
    if (trust === 'key-changed') {
      // Signals stay buffered, unused, until the user accepts the new key (startRtc replays them).
      this.model.error = {
        reason: 'key_changed',
        message:
          'This contact presented a different key than before. It stays blocked until you accept the new key.',
      };
      this.sendReview('review');
    }
    this.flushHeld();
    this.emit();
  }

  /** The peer's app holds our new key for review, or accepted it (protocol 2.12, key-change review). */
  private onReview(kind: 'review' | 'accepted'): void {
    if (kind === 'review' && this.model.peerReview !== 'pending') {
      this.model.peerReview = 'pending';
      this.system('The peer sees a new key for this device and must accept it before you can talk.');
    } else if (kind === 'accepted' && this.model.peerReview === 'pending') {
      this.model.peerReview = 'none';
      this.system('The peer accepted your new key.');
    }
  }

  /** Tells the peer (sealed) where its key stands; best effort, the session may have ended. */
  private sendReview(kind: 'review' | 'accepted'): void {
    try {
      this.session.send(encodeAppMessage({ t: kind }));
    } catch {}
  }

  /** The user accepted the peer's new key: the peer, told it awaited review, is told so (2.12). */
  tellKeyAccepted(): void {
    this.sendReview('accepted');
  }

  setTrust(trust: TrustState): void {
    this.model.trust = trust;
    if (trust !== 'key-changed' && this.model.error?.reason === 'key_changed') this.model.error = undefined;
    this.flushHeld();
    this.emit();
  }

  /** Could not connect (no proof of tampering): a neutral note in the chat, no alarm. */
  private notConnected(err: ConnectError): void {
    this.model.link = 'failed';
    this.model.error = { reason: err.reason, message: err.message };
    this.stopRtc('failed');
    this.system(`Could not connect: ${err.message}.`);
  }

  private fail(err: SignalingIntegrityError): void {
    const before = this.model.link;
    this.model.link = 'failed';
    this.model.error = { reason: failureReason(err), message: err.message };
    this.stopRtc('failed');
    const alert = integrityAlert(err, this.model.path === 'code' && before === 'pairing');
    this.hooks.onFailure(alert.title, alert.body, alert.code);
    this.emit();
  }

  /** Negotiates WebRTC through the sealed session (only on an open, trusted session). */
  startRtc(): void {
    if (this.rtc || this.model.rtc === 'connecting' || !this.trusted) return;
    this.model.rtc = 'connecting';
    this.emit();
    void this.hooks
      .rtcSetup()
      .catch((err: unknown): RtcSetup => ({ noRelay: err instanceof Error ? err.message : String(err) }))
      .then((setup) => this.beginRtc(setup));
  }

  private beginRtc(setup: RtcSetup): void {
    // The session may have ended (or been blocked) while the setup was fetched.
    if (this.rtc || this.model.rtc !== 'connecting' || !this.trusted) return;
    if ('noRelay' in setup) {
      this.model.hideIp = true;
      this.model.rtc = 'no-relay';
      this.system(
        `Your IP address stays hidden from this peer, so no direct connection was made: ${setup.noRelay}. Chat still works, sealed through the relay; calls need a TURN relay (or turn “Hide my IP address” off for this peer).`,
      );
      return;
    }
    this.model.hideIp = setup.relayOnly;
    let link: RtcLink;
    try {
      link = connectRtc(this.session, setup.config, this.early, setup.relayOnly);
    } catch (err) {
      this.model.rtc = 'failed';
      this.system(`WebRTC could not start: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.rtc = link;
    link.pc.addEventListener('connectionstatechange', () => {
      if (link.pc.connectionState === 'failed') this.stopRtc('failed');
    });
    link.pc.addEventListener('track', (ev) => {
      this.model.remoteStream = ev.streams[0] ?? new MediaStream([ev.track]);
      this.model.call = this.model.localStream ? 'active' : 'incoming';
      this.emit();
    });
    // The link counts as open once its data channel is open and the DTLS fingerprint check passed (a
    // mismatch fails the session: fail()).
    Promise.all([link.channel, link.dtls])
      .then(([dc, check]) => {
        if (this.rtc !== link) return;
        this.model.rtc = 'open';
        this.model.dtls = check;
        dc.addEventListener('close', () => this.stopRtc('closed'));
        this.emit();
      })
      .catch((err: unknown) => {
        if (this.rtc !== link) return;
        this.stopRtc('failed');
        this.system(`WebRTC failed: ${err instanceof Error ? err.message : String(err)}`);
      });
  }

  private stopRtc(state: 'closed' | 'failed'): void {
    this.stopCall();
    const link = this.rtc;
    this.rtc = undefined;
    link?.close();
    if (this.model.rtc !== 'idle' || link) this.model.rtc = state;
    this.emit();
  }

  /** True once the peer's keys are checked and not blocked: chat may be shown and sent. */
  private get trusted(): boolean {
    return this.model.link === 'open' && this.model.trust !== 'key-changed' && !this.model.pendingRequest;
  }

  /** The user accepted this contact request: held messages are shown, WebRTC may start. */
  acceptRequest(): void {
    this.model.pendingRequest = false;
    this.flushHeld();
    this.emit();
  }

  private sendApp(m: AppMessage): boolean {
    try {
      this.session.send(encodeAppMessage(m));
      return true;
    } catch (err) {
      this.system(`Could not send: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }

  /** One sealed application message from the peer (2.12): validated, never cast. */
  private onAppMessage(bytes: Uint8Array): void {
    const d = decodeAppMessage(bytes);
    if (!d.ok && d.problem === 'unknown_type' && isLinkMessage(bytes)) {
      this.hooks.onLinkMessage?.(bytes);
      return;
    }
    if (!d.ok) {
      // A sealed message only the peer could send: a bug or an odd peer, not tampering. Unknown types
      // are a newer peer's features: ignored.
      if (d.problem !== 'unknown_type')
        this.system(`Ignored a malformed message from the peer (${d.problem}).`);
      return;
    }
    const m = d.message;
    // What the peer says about our key (2.12, key-change review): shown at once, whatever our trust in it.
    if (m.t === 'review' || m.t === 'accepted') {
      this.onReview(m.t);
      return;
    }
    if (m.t !== 'text' && m.t !== 'hangup') return; // ack, ping: nothing to show
    if (this.trusted) this.act(m);
    else if (this.held.length < MAX_HELD) this.held.push(m);
  }

  private flushHeld(): void {
    if (!this.trusted) return;
    for (const m of this.held.splice(0)) this.act(m);
  }

  private act(m: AppMessage): void {
    if (m.t === 'hangup') {
      if (this.stopCall()) {
        this.model.call = 'ended';
        this.system('The peer ended the call.');
      }
      return;
    }
    if (m.t !== 'text') return;
    if (m.text !== null) this.model.messages.push({ from: 'peer', text: m.text, at: Date.now() });
    this.sendApp({ t: 'ack' });
    this.emit();
  }

  sendChat(text: string): void {
    const clipped = text.slice(0, MAX_CHAT_CHARS);
    if (!this.trusted || !this.sendApp({ t: 'text', text: clipped })) return;
    this.model.messages.push({ from: 'me', text: clipped, at: Date.now() });
    this.emit();
  }

  async startCall(): Promise<void> {
    const pc = this.rtc?.pc;
    if (!pc || this.model.localStream) return;
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    this.model.localStream = stream;
    this.model.call = this.model.remoteStream ? 'active' : 'outgoing';
    this.emit();
  }

  /** Hangs up (or declines an incoming call) and tells the peer, sealed, so its side ends too. */
  endCall(): void {
    if (!this.stopCall()) return;
    this.model.call = 'ended';
    if (this.model.link === 'open') this.sendApp({ t: 'hangup' });
    this.emit();
  }

  /** Stops this side's call: own tracks stopped and removed, the peer's media no longer shown. */
  private stopCall(): boolean {
    const stream = this.model.localStream;
    const had = stream !== undefined || this.model.remoteStream !== undefined;
    if (stream) {
      const pc = this.rtc?.pc;
      for (const sender of pc?.getSenders() ?? []) {
        if (sender.track && stream.getTracks().includes(sender.track)) pc?.removeTrack(sender);
      }
      for (const t of stream.getTracks()) t.stop();
    }
    this.model.localStream = undefined;
    this.model.remoteStream = undefined;
    if (had) this.emit();
    return had;
  }

  close(): void {
    this.stopRtc('closed');
    this.session.close();
  }
}

/** A refused keyshare check names its own reason (e.g. split_view) beside checkpoint_rejected. */
function failureReason(err: SignalingIntegrityError): string {
  const ks = err.cause instanceof KeyshareIntegrityError ? err.cause.reason : undefined;
  return ks ? `${err.reason} (${ks})` : err.reason;
}

/**
 * The page-level warning for proof of tampering: on a peer's session, or on an invite / shown code whose
 * proven attempt failed before it opened (docs/protocol.md 2.7, e.g. a split view found while checking).
 */
export function integrityAlert(
  err: SignalingIntegrityError,
  codePairing: boolean,
): { title: string; body: string; code: string } {
  const ks = err.cause instanceof KeyshareIntegrityError ? err.cause.reason : undefined;
  const [title, body] =
    ks === 'split_view'
      ? // Proof that the keyshare showed this device and the peer two histories of its log.
        [
          'Keyshare split view: connection refused',
          `The keyshare showed you and this peer different histories of its log, signed with the same key: ${err.message}. Keys looked up there cannot be trusted. No connection was made.`,
        ]
      : codePairing
        ? [
            'Pairing by code failed',
            `The code did not match, or someone interfered: ${err.message}. No connection was made. Make a new code and try again.`,
          ]
        : [
            'Connection refused: signaling was tampered with or failed',
            `${err.message}. sealpeer refused it and made no connection with this peer. If it happens again, the relay or the network may be attacking you.`,
          ];
  const code = err.peerReason ? `${err.reason} (peer: ${err.peerReason})` : failureReason(err);
  return { title, body, code };
}
