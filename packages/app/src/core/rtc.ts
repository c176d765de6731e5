// WebRTC for one peer, through the client library's sealed glue (`session.connectWebRTC`, docs/protocol.md
// Part 2, 2.10): offers, answers, ICE and renegotiation (from either side, perfect negotiation) travel only
// sealed, and once connected the DTLS fingerprint the browser saw is checked against the sealed SDP; a
// mismatch fails the session with `dtls_fingerprint_mismatch` (the page's integrity warning). This module
// only adds what the app needs on top: the link's data channel as a promise. It carries nothing (chat is
// sealed application messages, docs/protocol.md 2.12); it gives the connection a transport at once, so the
// DTLS check runs and a call only adds tracks.
import {
  type DtlsCheck,
  RelayError,
  type SealpeerClient,
  type Session,
  type SignalBuffer,
} from '@sealpeer/client';
import type { AppConfig } from './config.ts';

/**
 * How to start WebRTC with a peer: a config (relayOnly when this device hides its IP address from it),
 * or why not (hiding, but no TURN relay to be had: never a fallback to direct candidates).
 */
export type RtcSetup = { config: RTCConfiguration; relayOnly: boolean } | { noRelay: string };

/**
 * WebRTC for a peer: direct (the server's ICE servers), or, when this device hides its IP address from it
 * (core/hide-ip.ts), TURN relay candidates only with credentials for this relay login (GET /api/turn).
 * Hiding with no TURN to be had is refused (`noRelay`), never turned into a direct connection.
 */
export async function rtcSetup(
  hideIp: boolean,
  client: Pick<SealpeerClient, 'server' | 'turnServers'>,
  config: AppConfig,
): Promise<RtcSetup> {
  if (!hideIp) return { config: { iceServers: config.iceServers }, relayOnly: false };
  // This app's own server says in /api/config whether it has TURN (no request that is bound to fail).
  const ownServer = new URL(client.server).origin === new URL(config.server).origin;
  if (ownServer && !config.turn) return { noRelay: 'this server offers no TURN relay' };
  try {
    const turn = await client.turnServers();
    return { config: { iceServers: turn.iceServers, iceTransportPolicy: 'relay' }, relayOnly: true };
  } catch (err) {
    if (err instanceof RelayError && err.serverCode === 'turn_disabled')
      return { noRelay: 'this server offers no TURN relay' };
    const why = err instanceof Error ? err.message : String(err);
    return { noRelay: `no TURN credentials from the server (${why})` };
  }
}

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
