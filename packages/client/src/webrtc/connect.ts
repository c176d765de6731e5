// WebRTC over a sealed session (docs/protocol.md Part 2, 2.10): offer/answer/ICE travel only as SEALED
// frames; once connected, the DTLS fingerprint the connection saw is checked against the sealed SDP.
// The session initiator makes the first offer. Later offers (calls, new tracks) may come from either side,
// following the W3C "perfect negotiation" pattern (webrtc-pc §10.7): the session initiator is the
// impolite peer (ignores a colliding offer), the responder the polite one (rolls back and answers).
import { SessionError } from '../errors/client-errors.ts';
import type { Session } from '../session/session.ts';
import { type DtlsTransportSource, transportFingerprints } from './certificates.ts';
import type { SignalBuffer } from './early.ts';
import {
  compareFingerprints,
  type DtlsCheck,
  type Fingerprint,
  observedFingerprints,
  sdpFingerprints,
} from './fingerprint.ts';
import { relayOnlySignal } from './relay-only.ts';
import { decodeSignal, encodeSignal, type Signal } from './signals.ts';

type Desc = { type: string; sdp?: string };
type Cand = { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null };

/** The subset of RTCPeerConnection used here (browsers provide it; tests may inject one). */
export interface RTCPeerConnectionLike extends DtlsTransportSource {
  readonly localDescription: Desc | null;
  readonly connectionState: string;
  /** Browsers have it; when absent the glue tracks its own offers. */
  readonly signalingState?: string;
  createOffer(): Promise<Desc>;
  createAnswer(): Promise<Desc>;
  setLocalDescription(d: Desc): Promise<void>;
  setRemoteDescription(d: Desc): Promise<void>;
  addIceCandidate(c?: Cand): Promise<void>;
  createDataChannel(label: string): unknown;
  getStats(): Promise<Map<string, unknown>>;
  close(): void;
  addEventListener(type: string, fn: (ev: { candidate?: { toJSON(): Partial<Cand> } | null }) => void): void;
}
export type RTCPeerConnectionCtor = new (config?: unknown) => RTCPeerConnectionLike;

export interface WebRTCOptions {
  /** Defaults to the global RTCPeerConnection. */
  RTCPeerConnection?: RTCPeerConnectionCtor;
  /** Label of a data channel the initiator opens (default 'sealpeer'; null: none). */
  dataChannel?: string | null;
  /** Signals that arrived before this call (see SignalBuffer); applied first, in order. */
  pending?: SignalBuffer;
  /**
   * Hide this device's IP address from the peer (relay-only.ts): sends only TURN relay candidates, in
   * candidate signals and in SDP. Pair it with `iceTransportPolicy: 'relay'` and TURN servers in the
   * config; this only filters what leaves, it gathers nothing.
   */
  relayOnly?: boolean;
}

export interface WebRTCLink {
  pc: RTCPeerConnectionLike;
  /** The initiator's data channel (responders get theirs from the pc's 'datachannel' event). */
  dataChannel: unknown;
  /** Resolves once connected and the DTLS check ran ('verified' or 'skipped'); rejects on refusal. */
  connected: Promise<DtlsCheck>;
  /** Sends a new offer (RENEGOTIATE), from either side; browsers also do it on 'negotiationneeded'. */
  renegotiate(): Promise<void>;
  /** With `relayOnly`: how many local candidates were withheld (not `typ relay`). */
  readonly withheld: number;
  close(): void;
}

export function connectWebRTC(session: Session, config?: unknown, o: WebRTCOptions = {}): WebRTCLink {
  if (session.state !== 'open')
    throw new SessionError('session_not_open', 'connectWebRTC needs an open session');
  const Ctor =
    o.RTCPeerConnection ??
    (globalThis as unknown as { RTCPeerConnection?: RTCPeerConnectionCtor }).RTCPeerConnection;
  if (!Ctor) throw new SessionError('bad_argument', 'no RTCPeerConnection on this platform: pass one');
  const pc = new Ctor(config);
  const polite = session.role === 'responder';
  let remoteFps: Fingerprint[] = [];
  let haveRemote = false;
  let negotiated = false; // an offer went either way: later offers are RENEGOTIATE
  let makingOffer = false;
  let ownOfferOut = false; // our offer awaits its answer (signalingState when the pc has none)
  let ignoreOffer = false;
  let reoffer = false; // the polite side rolled its offer back: offer again once stable
  // Candidates (undefined = end-of-candidates) that arrived before the remote description.
  const queued: Array<Cand | undefined> = [];
  // Signals are applied one at a time, in the order they were sealed.
  let chain: Promise<void> = Promise.resolve();
  let settle!: { resolve: (c: DtlsCheck) => void; reject: (e: Error) => void };
  const connected = new Promise<DtlsCheck>((resolve, reject) => {
    settle = { resolve, reject };
  });
  connected.catch(() => {});

  let withheld = 0;
  const send = (signal: Signal) => {
    if (session.state !== 'open') return;
    const s = o.relayOnly ? relayOnlySignal(signal) : signal;
    if (s === null) {
      withheld += 1;
      return;
    }
    const [kind, content] = encodeSignal(s);
    session.sendSignal(kind, content);
  };
  const fail = (reason: 'malformed' | 'unexpected_type' | 'dtls_fingerprint_mismatch', detail: string) => {
    session._fail(reason, detail);
  };
  const signaling = () => pc.signalingState ?? (ownOfferOut ? 'have-local-offer' : 'stable');
  const setRemote = async (type: 'offer' | 'answer', sdp: string) => {
    remoteFps = sdpFingerprints(sdp);
    await pc.setRemoteDescription({ type, sdp });
    haveRemote = true;
    negotiated = true;
    for (const c of queued.splice(0)) await (c ? pc.addIceCandidate(c) : pc.addIceCandidate());
  };
  const offer = async () => {
    if (makingOffer || signaling() !== 'stable' || session.state !== 'open') return;
    makingOffer = true;
    try {
      const d = await pc.createOffer();
      await pc.setLocalDescription(d);
      ownOfferOut = true;
      send({ kind: negotiated ? 'renegotiate' : 'offer', sdp: pc.localDescription?.sdp ?? d.sdp ?? '' });
      negotiated = true;
    } finally {
      makingOffer = false;
    }
  };

  const takeOffer = async (sdp: string) => {
    const collision = makingOffer || signaling() !== 'stable';
    ignoreOffer = !polite && collision;
    if (ignoreOffer) return; // impolite: our offer wins; the peer rolls back and answers it
    if (collision) {
      await pc.setLocalDescription({ type: 'rollback' });
      ownOfferOut = false;
      reoffer = true;
    }
    await setRemote('offer', sdp);
    const a = await pc.createAnswer();
    await pc.setLocalDescription(a);
    send({ kind: 'answer', sdp: pc.localDescription?.sdp ?? a.sdp ?? '' });
    if (reoffer) {
      reoffer = false;
      void offer().catch((e: Error) => settle.reject(e));
    }
  };
  const apply = async (s: Signal) => {
    if (s.kind === 'offer' || s.kind === 'renegotiate') return takeOffer(s.sdp);
    if (s.kind === 'answer') {
      if (signaling() !== 'have-local-offer') return fail('unexpected_type', 'an answer to no offer');
      await setRemote('answer', s.sdp);
      ownOfferOut = false;
      return;
    }
    const c =
      s.kind === 'candidate'
        ? { candidate: s.candidate, sdpMid: s.sdpMid, sdpMLineIndex: s.sdpMLineIndex }
        : undefined;
    if (!haveRemote) return void queued.push(c);
    try {
      await (c ? pc.addIceCandidate(c) : pc.addIceCandidate());
    } catch (e) {
      if (!ignoreOffer) throw e; // candidates of an offer we ignored may not fit
    }
  };
  const onSignal = (kind: Parameters<typeof decodeSignal>[0], content: Uint8Array) => {
    const s = decodeSignal(kind, content);
    if (!s) return fail('malformed', 'WebRTC signal content');
    chain = chain.then(() => apply(s)).catch((e: Error) => settle.reject(e));
  };

  const offSignal = session.on('signal', onSignal);
  for (const [kind, content] of o.pending?.take() ?? []) onSignal(kind, content);

  pc.addEventListener('icecandidate', (ev) => {
    const c = ev.candidate?.toJSON();
    if (c && typeof c.candidate === 'string' && c.candidate !== '')
      send({
        kind: 'candidate',
        candidate: c.candidate,
        sdpMid: c.sdpMid ?? null,
        sdpMLineIndex: c.sdpMLineIndex ?? null,
      });
    else if (!ev.candidate) send({ kind: 'end-of-candidates' });
  });
  pc.addEventListener('negotiationneeded', () => {
    // The initiator's first offer is made below; before any offer went out, the responder waits for it.
    if (negotiated) offer().catch((e: Error) => settle.reject(e));
  });
  pc.addEventListener('connectionstatechange', () => {
    if (pc.connectionState === 'failed') settle.reject(new Error('WebRTC connection failed'));
    if (pc.connectionState !== 'connected') return;
    // getStats() first; where it shows no remote certificate, the DTLS transports' own certificates.
    void observedFingerprints(pc)
      .then((seen) => (seen.length > 0 ? seen : transportFingerprints(pc, remoteFps)))
      .then(
        (observed) => {
          const check = compareFingerprints(remoteFps, observed);
          link.dtlsCheck = check;
          if (check === 'mismatch') {
            fail('dtls_fingerprint_mismatch', `saw ${observed.map((f) => f.value).join(', ')}`);
            return;
          }
          settle.resolve(check);
        },
        () => settle.resolve('skipped'),
      );
  });
  const offEnd = session.on('close', (err) => {
    pc.close();
    settle.reject(err ?? new SessionError('session_closed', 'the session closed'));
  });

  const dataChannel =
    !polite && o.dataChannel !== null ? pc.createDataChannel(o.dataChannel ?? 'sealpeer') : undefined;
  const link: WebRTCLink & { dtlsCheck: DtlsCheck | 'pending' } = {
    pc,
    dataChannel,
    connected,
    dtlsCheck: 'pending',
    renegotiate: () => offer(),
    get withheld() {
      return withheld;
    },
    close() {
      offSignal();
      offEnd();
      pc.close();
    },
  };
  if (!polite) offer().catch((e: Error) => settle.reject(e));
  return link;
}
