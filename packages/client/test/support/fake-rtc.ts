// A stand-in RTCPeerConnection for Node (which has no WebRTC): it produces Chrome-like SDP with its own
// DTLS fingerprint, emits ICE candidates, reaches 'connected' once both descriptions are set, and reports
// through getStats() the remote certificate it "saw" — which a test can replace to play a MITM.
import { OFFER_SDP } from './sdp.ts';

type Listener = (ev: { candidate?: { toJSON(): Record<string, unknown> } | null }) => void;

export class FakeRTCPeerConnection {
  static seen: FakeRTCPeerConnection[] = [];
  readonly fingerprint: string;
  /** What getStats() reports as the remote certificate (default: the real remote's, set by the test). */
  observedRemote: string | undefined;
  localDescription: { type: string; sdp: string } | null = null;
  remoteDescription: { type: string; sdp: string } | null = null;
  connectionState = 'new';
  readonly candidates: unknown[] = [];
  #listeners = new Map<string, Listener[]>();
  closed = false;
  /** How many times the glue rolled back a local offer (perfect negotiation, polite side). */
  rollbacks = 0;

  constructor(readonly config?: unknown) {
    const b = Array.from({ length: 32 }, () =>
      Math.floor(Math.random() * 256)
        .toString(16)
        .padStart(2, '0'),
    );
    this.fingerprint = b.join(':').toUpperCase();
    FakeRTCPeerConnection.seen.push(this);
  }

  addEventListener(type: string, fn: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), fn]);
  }
  #fire(type: string, ev: Parameters<Listener>[0] = {}): void {
    for (const fn of this.#listeners.get(type) ?? []) fn(ev);
  }
  #sdp(): string {
    return OFFER_SDP.replace(/a=fingerprint:sha-256 \S+/, `a=fingerprint:sha-256 ${this.fingerprint}`);
  }
  async createOffer() {
    return { type: 'offer', sdp: this.#sdp() };
  }
  async createAnswer() {
    return { type: 'answer', sdp: this.#sdp().replace('a=setup:actpass', 'a=setup:active') };
  }
  async setLocalDescription(d: { type: string; sdp: string }) {
    this.rollbacks += d.type === 'rollback' ? 1 : 0;
    if (d.type === 'rollback') return; // glare: the stand-in just forgets its pending offer
    this.localDescription = d;
    setTimeout(() => {
      this.#fire('icecandidate', {
        candidate: {
          toJSON: () => ({
            candidate: 'candidate:1 1 udp 2122260223 192.0.2.10 54321 typ host',
            sdpMid: '0',
            sdpMLineIndex: 0,
          }),
        },
      });
      this.#fire('icecandidate', { candidate: null });
    }, 5);
    this.#maybeConnect();
  }
  async setRemoteDescription(d: { type: string; sdp: string }) {
    this.remoteDescription = d;
    if (this.observedRemote === undefined)
      this.observedRemote = /a=fingerprint:sha-256 (\S+)/.exec(d.sdp)?.[1];
    this.#maybeConnect();
  }
  async addIceCandidate(c?: unknown) {
    this.candidates.push(c ?? 'end-of-candidates');
  }
  createDataChannel(label: string) {
    return { label };
  }
  async getStats() {
    return new Map<string, unknown>([
      ['T01', { type: 'transport', remoteCertificateId: 'CR1', localCertificateId: 'CL1' }],
      ['CR1', { type: 'certificate', fingerprint: this.observedRemote, fingerprintAlgorithm: 'sha-256' }],
      ['CL1', { type: 'certificate', fingerprint: this.fingerprint, fingerprintAlgorithm: 'sha-256' }],
    ]);
  }
  close() {
    this.closed = true;
    this.connectionState = 'closed';
  }
  #maybeConnect() {
    if (this.localDescription && this.remoteDescription && this.connectionState === 'new') {
      setTimeout(() => {
        this.connectionState = 'connected';
        this.#fire('connectionstatechange');
      }, 10);
    }
  }
}
