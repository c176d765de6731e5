// WebRTC over a sealed session (docs/protocol.md 2.10): the session initiator makes the offer; OFFER,
// ANSWER, CANDIDATE, END_OF_CANDIDATES and RENEGOTIATE travel only as sealed session messages, never in
// clear through the relay. Renegotiation (calls) follows the "perfect negotiation" pattern with the
// session responder as the polite side. Every received signal is validated before use.
import { envelope, type Session } from '@sealpeer/client';

const K = envelope.InnerKind;
const MAX_SDP = 30_000;

export interface RtcLink {
  readonly pc: RTCPeerConnection;
  /** Resolves with the chat data channel once it is open. */
  readonly chat: Promise<RTCDataChannel>;
  /** Feeds one unsealed WebRTC signal from the session (the caller subscribes and buffers early ones). */
  handle(kind: number, content: Uint8Array): void;
  close(): void;
}

const enc = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

function json(content: Uint8Array): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(content));
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function sdpOf(content: Uint8Array): string | undefined {
  const sdp = json(content)?.sdp;
  return typeof sdp === 'string' && sdp.length <= MAX_SDP ? sdp : undefined;
}

function candidateOf(content: Uint8Array): RTCIceCandidateInit | undefined {
  const o = json(content);
  if (!o || typeof o.candidate !== 'string' || o.candidate.length > 2048) return undefined;
  const mid = o.sdpMid;
  const index = o.sdpMLineIndex;
  if (!(mid === null || (typeof mid === 'string' && mid.length <= 64))) return undefined;
  if (!(index === null || (typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < 64)))
    return undefined;
  return { candidate: o.candidate, sdpMid: mid, sdpMLineIndex: index };
}

export function connectRtc(session: Session, config: RTCConfiguration): RtcLink {
  const pc = new RTCPeerConnection(config);
  const polite = session.role === 'responder';
  let makingOffer = false;
  let ignoreOffer = false;
  let offered = false;
  const send = (kind: number, content: Uint8Array): void => {
    if (!session.terminal) session.sendSignal(kind as Parameters<Session['sendSignal']>[0], content);
  };

  const chat = new Promise<RTCDataChannel>((resolve, reject) => {
    const ready = (dc: RTCDataChannel): void => {
      if (dc.readyState === 'open') resolve(dc);
      else dc.addEventListener('open', () => resolve(dc), { once: true });
    };
    if (session.role === 'initiator') ready(pc.createDataChannel('chat', { ordered: true }));
    else pc.addEventListener('datachannel', (ev) => ready(ev.channel), { once: true });
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed')
        reject(new Error(`connection ${pc.connectionState}`));
    });
    session.on('close', () => reject(new Error('the sealed session ended')));
  });
  chat.catch(() => undefined);

  pc.addEventListener('negotiationneeded', async () => {
    try {
      makingOffer = true;
      await pc.setLocalDescription();
      const sdp = pc.localDescription?.sdp ?? '';
      send(offered ? K.RENEGOTIATE : K.OFFER, enc({ sdp }));
      offered = true;
    } catch {
      // a failed offer is retried by the next negotiationneeded
    } finally {
      makingOffer = false;
    }
  });
  pc.addEventListener('icecandidate', (ev) => {
    if (ev.candidate) {
      const c = ev.candidate.toJSON();
      send(
        K.CANDIDATE,
        enc({
          candidate: c.candidate ?? '',
          sdpMid: c.sdpMid ?? null,
          sdpMLineIndex: c.sdpMLineIndex ?? null,
        }),
      );
    } else send(K.END_OF_CANDIDATES, new Uint8Array(0));
  });

  const onSignal = async (kind: number, content: Uint8Array): Promise<void> => {
    if (kind === K.OFFER || kind === K.RENEGOTIATE) {
      const sdp = sdpOf(content);
      if (sdp === undefined) return;
      const collision = makingOffer || pc.signalingState !== 'stable';
      ignoreOffer = !polite && collision;
      if (ignoreOffer) return;
      await pc.setRemoteDescription({ type: 'offer', sdp });
      await pc.setLocalDescription();
      send(K.ANSWER, enc({ sdp: pc.localDescription?.sdp ?? '' }));
      offered = true;
    } else if (kind === K.ANSWER) {
      const sdp = sdpOf(content);
      if (sdp !== undefined && pc.signalingState === 'have-local-offer')
        await pc.setRemoteDescription({ type: 'answer', sdp });
    } else if (kind === K.CANDIDATE) {
      const c = candidateOf(content);
      if (c)
        await pc.addIceCandidate(c).catch((err: unknown) => (ignoreOffer ? undefined : Promise.reject(err)));
    } else if (kind === K.END_OF_CANDIDATES) {
      await pc.addIceCandidate().catch(() => undefined);
    }
  };
  // Signals are applied one at a time, in order (setRemoteDescription must finish before candidates).
  let queue: Promise<void> = Promise.resolve();
  return {
    pc,
    chat,
    handle(kind, content) {
      queue = queue.then(() => onSignal(kind, content)).catch(() => undefined);
    },
    close() {
      pc.close();
    },
  };
}
