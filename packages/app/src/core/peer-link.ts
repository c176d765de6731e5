// One peer: its sealed session, what the UI shows about it (PeerModel), and the WebRTC link (chat data
// channel, call media) negotiated through the session. A session refusal (SignalingIntegrityError) or a
// key change ends any WebRTC connection and shows a warning; nothing is sent to the peer after that.
import {
  type PublicIdentity,
  type Session,
  SignalBuffer,
  type SignalingIntegrityError,
} from '@sealpeer/client';
import type { PeerKeys } from './keys.ts';
import type { PeerModel, TrustState } from './model.ts';
import { connectRtc, type RtcLink } from './rtc.ts';

export interface PeerLinkHooks {
  changed(): void;
  rtcConfig: RTCConfiguration;
  /** Shows the page-level integrity warning. */
  onFailure(title: string, body: string, code: string): void;
}

const MAX_CHAT_CHARS = 4000;

/** Parses one chat data-channel message: `{"t":"chat","text":string}`; anything else is refused. */
export function parseChat(data: unknown): string | undefined {
  if (typeof data !== 'string' || data.length > MAX_CHAT_CHARS * 6 + 32) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  return o.t === 'chat' && typeof o.text === 'string' && o.text.length <= MAX_CHAT_CHARS ? o.text : undefined;
}

export class PeerLink {
  readonly model: PeerModel;
  address: string | undefined;
  peerIdentity: PublicIdentity | undefined;
  private rtc: RtcLink | undefined;
  private dc: RTCDataChannel | undefined;
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
      link: 'pairing',
      rtc: 'idle',
      dtls: 'pending',
      error: undefined,
      messages: [],
      localStream: undefined,
      remoteStream: undefined,
    };
    session.on('integrity-error', (err) => this.fail(err));
    this.early = new SignalBuffer(session);
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

  /** The session is open and the peer's keys are checked against the trust store. */
  opened(keys: PeerKeys, address: string, trust: TrustState): void {
    this.address = address;
    this.peerIdentity = keys.identity;
    this.model.peerFingerprint = keys.fingerprint;
    this.model.label = keys.fingerprint.slice(0, 5);
    this.model.safetyNumber = keys.safetyNumber;
    this.model.link = 'open';
    this.model.trust = trust;
    if (trust === 'key-changed') {
      // Signals stay buffered, unused, until the user accepts the new key (startRtc replays them).
      this.model.error = {
        reason: 'key_changed',
        message:
          'This contact presented a different key than before. It stays blocked until you accept the new key.',
      };
    }
    this.emit();
  }

  setTrust(trust: TrustState): void {
    this.model.trust = trust;
    if (trust !== 'key-changed' && this.model.error?.reason === 'key_changed') this.model.error = undefined;
    this.emit();
  }

  private fail(err: SignalingIntegrityError): void {
    const before = this.model.link;
    this.model.link = 'failed';
    this.model.error = { reason: err.reason, message: err.message };
    this.stopRtc('failed');
    if (err.reason === 'closed') return;
    const codePairing = this.model.path === 'code' && before === 'pairing';
    this.hooks.onFailure(
      codePairing ? 'Pairing by code failed' : 'Connection refused: signaling was tampered with or failed',
      codePairing
        ? `The code did not match, or someone interfered: ${err.message}. No connection was made. Make a new code and try again.`
        : `${err.message}. sealpeer refused it and made no connection with this peer. If it happens again, the relay or the network may be attacking you.`,
      err.peerReason ? `${err.reason} (peer: ${err.peerReason})` : err.reason,
    );
    this.emit();
  }

  /** Negotiates WebRTC through the sealed session (only on an open, trusted session). */
  startRtc(): void {
    if (this.rtc || this.model.link !== 'open' || this.model.trust === 'key-changed') return;
    this.model.rtc = 'connecting';
    this.emit();
    let link: RtcLink;
    try {
      link = connectRtc(this.session, this.hooks.rtcConfig, this.early);
    } catch (err) {
      this.model.rtc = 'failed';
      this.system(`WebRTC could not start: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.rtc = link;
    link.pc.addEventListener('track', (ev) => {
      this.model.remoteStream = ev.streams[0] ?? new MediaStream([ev.track]);
      this.emit();
    });
    link.pc.addEventListener('connectionstatechange', () => {
      if (link.pc.connectionState === 'failed') this.stopRtc('failed');
    });
    // Chat opens only once the DTLS fingerprint check passed (a mismatch fails the session: fail()).
    // Lines the peer sends meanwhile are held, then shown.
    const held: unknown[] = [];
    let shown = false;
    const show = (data: unknown): void => {
      const text = parseChat(data);
      this.model.messages.push(
        text !== undefined
          ? { from: 'peer', text, at: Date.now() }
          : { from: 'system', text: 'Ignored a malformed message.', at: Date.now() },
      );
      this.emit();
    };
    link.chat
      .then((dc) => dc.addEventListener('message', (ev) => (shown ? show(ev.data) : held.push(ev.data))))
      .catch(() => undefined);
    Promise.all([link.chat, link.dtls])
      .then(([dc, check]) => {
        if (this.rtc !== link) return;
        this.dc = dc;
        this.model.rtc = 'open';
        this.model.dtls = check;
        shown = true;
        for (const data of held.splice(0)) show(data);
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
    this.endCall();
    this.dc = undefined;
    const link = this.rtc;
    this.rtc = undefined;
    link?.close();
    if (this.model.rtc !== 'idle' || link) this.model.rtc = state;
    this.emit();
  }

  sendChat(text: string): void {
    const clipped = text.slice(0, MAX_CHAT_CHARS);
    if (this.dc?.readyState !== 'open' || this.model.trust === 'key-changed') return;
    this.dc.send(JSON.stringify({ t: 'chat', text: clipped }));
    this.model.messages.push({ from: 'me', text: clipped, at: Date.now() });
    this.emit();
  }

  async startCall(): Promise<void> {
    const pc = this.rtc?.pc;
    if (!pc || this.model.localStream) return;
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    this.model.localStream = stream;
    this.emit();
  }

  endCall(): void {
    const stream = this.model.localStream;
    if (!stream) return;
    const pc = this.rtc?.pc;
    for (const sender of pc?.getSenders() ?? []) {
      if (sender.track && stream.getTracks().includes(sender.track)) pc?.removeTrack(sender);
    }
    for (const t of stream.getTracks()) t.stop();
    this.model.localStream = undefined;
    this.emit();
  }

  close(): void {
    this.stopRtc('closed');
    this.session.close();
  }
}
