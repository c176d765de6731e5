// Shared by the WebRTC glue tests: a pair of sealed sessions with WebRTC connected over them, on the
// Node stand-in for RTCPeerConnection (test/support/fake-rtc.ts).
import { expect, vi } from 'vitest';
import { FakeRTCPeerConnection } from '../support/fake-rtc.ts';
import { pairByInvite } from '../support/peers.ts';

export const Ctor = FakeRTCPeerConnection as never;

/**
 * Pairs two sessions by invite (a: responder, b: initiator) and connects WebRTC over them; resolves once
 * the first negotiation is over: both links are connected AND each side has applied the other's
 * end-of-candidates. `connected` alone is not enough: trickle ICE goes on after it (as on a real stack),
 * so a 'signal' listener attached then could still see the first negotiation's candidates, before or
 * after the ones it is waiting for (docs/protocol.md 2.10). Once this resolves, no signal of the first
 * negotiation is in flight.
 */
export async function connectedPair(serverUrl: string) {
  const p = await pairByInvite(serverUrl);
  FakeRTCPeerConnection.seen = [];
  const responder = p.a.connectWebRTC({}, { RTCPeerConnection: Ctor });
  const initiator = p.b.connectWebRTC({}, { RTCPeerConnection: Ctor });
  await Promise.all([responder.connected, initiator.connected]);
  const [fr, fi] = FakeRTCPeerConnection.seen as [FakeRTCPeerConnection, FakeRTCPeerConnection];
  await vi.waitFor(() => {
    expect(fi.candidates.at(-1)).toBe('end-of-candidates');
    expect(fr.candidates.at(-1)).toBe('end-of-candidates');
  });
  return { p, responder, initiator, fr, fi };
}
