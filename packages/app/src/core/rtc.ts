// WebRTC for one peer, through the client library's sealed glue (`session.connectWebRTC`, docs/protocol.md
// Part 2, 2.10): offers, answers, ICE and renegotiation (from either side, perfect negotiation) travel only
// sealed, and once connected the DTLS fingerprint the browser saw is checked against the sealed SDP; a
// mismatch fails the session with `dtls_fingerprint_mismatch` (the page's integrity warning). This module
// only adds what the app needs on top: the link's data channel as a promise. It carries nothing (chat is
// sealed application messages, docs/protocol.md 2.12); it gives the connection a transport at once, so the
// DTLS check runs and a call only adds tracks.
import type { DtlsCheck, Session, SignalBuffer } from '@sealpeer/client';

export interface RtcLink {
  readonly pc: RTCPeerConnection;
  /** Resolves with the link's data channel once it is open. */
  readonly channel: Promise<RTCDataChannel>;
  /** Resolves once connected and the DTLS fingerprint check ran; rejects on refusal or failure. */
  readonly dtls: Promise<DtlsCheck>;
  close(): void;
}

/**
 * Starts WebRTC on an open, trusted session; `early` holds the signals that came before (in order).
 * `relayOnly`: hide this device's IP address (the config must then say iceTransportPolicy 'relay', with
 * TURN servers); the glue also withholds any non-relay candidate from what it sends.
 */
export function connectRtc(
  session: Session,
  config: RTCConfiguration,
  early: SignalBuffer,
  relayOnly = false,
): RtcLink {
  const link = session.connectWebRTC(config, { dataChannel: 'sealpeer', pending: early, relayOnly });
  // The glue built it with the browser's own RTCPeerConnection (globalThis), so it is one.
  const pc = link.pc as unknown as RTCPeerConnection;
  const channel = new Promise<RTCDataChannel>((resolve, reject) => {
    const ready = (dc: RTCDataChannel): void => {
      if (dc.readyState === 'open') resolve(dc);
      else dc.addEventListener('open', () => resolve(dc), { once: true });
    };
    if (link.dataChannel) ready(link.dataChannel as RTCDataChannel);
    else pc.addEventListener('datachannel', (ev) => ready(ev.channel), { once: true });
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed')
        reject(new Error(`connection ${pc.connectionState}`));
    });
    session.on('close', () => reject(new Error('the sealed session ended')));
  });
  channel.catch(() => undefined);
  return { pc, channel, dtls: link.connected, close: () => link.close() };
}
