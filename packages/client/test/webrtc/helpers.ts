// Shared by the WebRTC glue tests: a pair of sealed sessions with WebRTC connected over them, on the
// Node stand-in for RTCPeerConnection (test/support/fake-rtc.ts).
import { FakeRTCPeerConnection } from '../support/fake-rtc.ts';
import { pairByInvite } from '../support/peers.ts';

export const Ctor = FakeRTCPeerConnection as never;

/**
 * Pairs two sessions by invite (a: responder, b: initiator) and connects WebRTC over them; resolves once
 * both links are connected, with the stand-in peer connections of each side.
 */
export async function connectedPair(serverUrl: string) {
  const p = await pairByInvite(serverUrl);
  FakeRTCPeerConnection.seen = [];
  const responder = p.a.connectWebRTC({}, { RTCPeerConnection: Ctor });
  const initiator = p.b.connectWebRTC({}, { RTCPeerConnection: Ctor });
  await Promise.all([responder.connected, initiator.connected]);
  const [fr, fi] = FakeRTCPeerConnection.seen as [FakeRTCPeerConnection, FakeRTCPeerConnection];
  return { p, responder, initiator, fr, fi };
}
