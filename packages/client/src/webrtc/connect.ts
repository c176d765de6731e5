// WebRTC over a sealed session (docs/protocol.md Part 2, 2.10): offer/answer/ICE travel only as SEALED
// frames; once connected, the DTLS fingerprint the connection saw is checked against the sealed SDP.
// The session initiator offers (and renegotiates); the responder answers.
import { SessionError } from '../errors/client-errors.ts';
import type { Session } from '../session/session.ts';
import {
  compareFingerprints,
  type DtlsCheck,
  type Fingerprint,
  observedFingerprints,
  sdpFingerprints,
} from './fingerprint.ts';
import { decodeSignal, encodeSignal, type Signal } from './signals.ts';

type Desc = { type: string; sdp?: string };
type Cand = { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null };

/** The subset of RTCPeerConnection used here (browsers provide it; tests may inject one). */
export interface RTCPeerConnectionLike {
  readonly localDescription: Desc | null;
  readonly connectionState: string;
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
}

export interface WebRTCLink {
  pc: RTCPeerConnectionLike;
  /** The initiator's data channel (responders get theirs from the pc's 'datachannel' event). */
  dataChannel: unknown;
  /** Resolves once connected and the DTLS check ran ('verified' or 'skipped'); rejects on refusal. */
  connected: Promise<DtlsCheck>;
  /** Initiator: sends a new offer (RENEGOTIATE), e.g. after adding tracks. */
  renegotiate(): Promise<void>;
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
  const offerer = session.role === 'initiator';
  let remoteFps: Fingerprint[] = [];
  let haveRemote = false;
  // Candidates (undefined = end-of-candidates) that arrived before the remote description.
  const queued: Array<Cand | undefined> = [];
  // Signals are applied one at a time, in the order they were sealed.
  let chain: Promise<void> = Promise.resolve();
  let settle!: { resolve: (c: DtlsCheck) => void; reject: (e: Error) => void };
  const connected = new Promise<DtlsCheck>((resolve, reject) => {
    settle = { resolve, reject };
  });
  connected.catch(() => {});

  const send = (s: Signal) => {
    if (session.state !== 'open') return;
    const [kind, content] = encodeSignal(s);
    session.sendSignal(kind, content);
  };
  const fail = (reason: 'malformed' | 'unexpected_type' | 'dtls_fingerprint_mismatch', detail: string) => {
    session._fail(reason, detail);
  };
  const setRemote = async (type: 'offer' | 'answer', sdp: string) => {
    remoteFps = sdpFingerprints(sdp);
    await pc.setRemoteDescription({ type, sdp });
    haveRemote = true;
    for (const c of queued.splice(0)) await (c ? pc.addIceCandidate(c) : pc.addIceCandidate());
  };
  const offer = async (kind: 'offer' | 'renegotiate') => {
    const d = await pc.createOffer();
    await pc.setLocalDescription(d);
    send({ kind, sdp: pc.localDescription?.sdp ?? d.sdp ?? '' });
  };

  const offSignal = session.on('signal', (kind, content) => {
    const s = decodeSignal(kind, content);
    if (!s) return fail('malformed', 'WebRTC signal content');
    const task = async () => {
      if (s.kind === 'offer' || s.kind === 'renegotiate') {
        if (offerer) return fail('unexpected_type', 'the session initiator does not take offers');
        await setRemote('offer', s.sdp);
        const a = await pc.createAnswer();
        await pc.setLocalDescription(a);
        send({ kind: 'answer', sdp: pc.localDescription?.sdp ?? a.sdp ?? '' });
      } else if (s.kind === 'answer') {
        if (!offerer) return fail('unexpected_type', 'the responder does not take answers');
        await setRemote('answer', s.sdp);
      } else if (s.kind === 'candidate') {
        const c = { candidate: s.candidate, sdpMid: s.sdpMid, sdpMLineIndex: s.sdpMLineIndex };
        if (haveRemote) await pc.addIceCandidate(c);
        else queued.push(c);
      } else if (haveRemote) await pc.addIceCandidate();
      else queued.push(undefined);
    };
    chain = chain.then(task).catch((e: Error) => settle.reject(e));
  });

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
  pc.addEventListener('connectionstatechange', () => {
    if (pc.connectionState === 'failed') settle.reject(new Error('WebRTC connection failed'));
    if (pc.connectionState !== 'connected') return;
    void observedFingerprints(pc).then(
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
    offerer && o.dataChannel !== null ? pc.createDataChannel(o.dataChannel ?? 'sealpeer') : undefined;
  const link: WebRTCLink & { dtlsCheck: DtlsCheck | 'pending' } = {
    pc,
    dataChannel,
    connected,
    dtlsCheck: 'pending',
    renegotiate: () =>
      offerer
        ? offer('renegotiate')
        : Promise.reject(new SessionError('bad_argument', 'only the initiator offers')),
    close() {
      offSignal();
      offEnd();
      pc.close();
    },
  };
  if (offerer) offer('offer').catch((e: Error) => settle.reject(e));
  return link;
}
