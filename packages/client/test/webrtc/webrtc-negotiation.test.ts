// connectWebRTC's two negotiation behaviours (docs/protocol.md Part 2, 2.10): signals that arrive before
// the glue is attached are kept by a SignalBuffer (bounded, in order) and applied on attach; offers may
// come from either side, with perfect negotiation (initiator impolite, responder polite) on glare.
// Sessions, relay and server are real; the peer connection is the Node stand-in (test/support/fake-rtc.ts).
import { describe, expect, it, vi } from 'vitest';
import { InnerKind } from '../../src/envelope/inner.ts';
import { SignalBuffer } from '../../src/webrtc/early.ts';
import { FakeRTCPeerConnection } from '../support/fake-rtc.ts';
import { pairByInvite } from '../support/peers.ts';
import { useLocalServer } from '../support/server.ts';
import { Ctor, connectedPair } from './helpers.ts';

const server = useLocalServer();

describe('signals that arrive before connectWebRTC', () => {
  it('are buffered in order and applied on attach: the late side still connects and verifies', async () => {
    const p = await pairByInvite(server.url);
    FakeRTCPeerConnection.seen = [];
    const early = new SignalBuffer(p.a); // responder: busy (e.g. checking trust) when the offer comes
    const initiator = p.b.connectWebRTC({}, { RTCPeerConnection: Ctor });
    // The offer, the candidate and end-of-candidates all arrive before the responder attaches.
    await vi.waitFor(() => expect(early.size).toBe(3));
    const responder = p.a.connectWebRTC({}, { RTCPeerConnection: Ctor, pending: early });
    expect(early.size).toBe(0);
    expect(await responder.connected).toBe('verified');
    expect(await initiator.connected).toBe('verified');
    const [fi, fr] = FakeRTCPeerConnection.seen as [FakeRTCPeerConnection, FakeRTCPeerConnection];
    expect(fr.remoteDescription?.sdp).toContain(fi.fingerprint);
    // Candidates waited for the remote description and kept their order.
    await vi.waitFor(() => expect(fr.candidates).toHaveLength(2));
    expect(fr.candidates[1]).toBe('end-of-candidates');
    p.close();
  });

  it('without the buffer those signals are lost and the late side never gets an offer', async () => {
    const p = await pairByInvite(server.url);
    FakeRTCPeerConnection.seen = [];
    const seen: number[] = [];
    p.a.on('signal', (k) => seen.push(k));
    p.b.connectWebRTC({}, { RTCPeerConnection: Ctor });
    await vi.waitFor(() => expect(seen).toHaveLength(3));
    p.a.connectWebRTC({}, { RTCPeerConnection: Ctor });
    expect(FakeRTCPeerConnection.seen[1]!.remoteDescription).toBeNull();
    p.close();
  });

  it('a peer that floods more signals than the bound ends the session (unexpected_type, could not connect)', async () => {
    const p = await pairByInvite(server.url);
    const early = new SignalBuffer(p.a, 2);
    const refused = new Promise<{ reason: string }>((r) => p.a.once('connect-failed', r));
    p.b.connectWebRTC({}, { RTCPeerConnection: Ctor }); // offer + candidate + end-of-candidates = 3
    expect((await refused).reason).toBe('unexpected_type');
    expect(p.a.state).toBe('failed');
    expect(early.take()).toHaveLength(2);
    p.close();
  });
});

describe('renegotiation from either side', () => {
  it('the responder re-offers (RENEGOTIATE, sealed) and the initiator answers', async () => {
    const { p, responder, fr, fi } = await connectedPair(server.url);
    const toInitiator: number[] = [];
    p.b.on('signal', (k) => toInitiator.push(k));
    await responder.renegotiate();
    await vi.waitFor(() => expect(fr.remoteDescription?.type).toBe('answer'));
    // Exactly the re-offer and its own trickle ICE (connectedPair waited out the first negotiation's).
    await vi.waitFor(() => expect(fi.candidates).toHaveLength(4));
    expect(toInitiator).toEqual([InnerKind.RENEGOTIATE, InnerKind.CANDIDATE, InnerKind.END_OF_CANDIDATES]);
    expect(fi.remoteDescription).toMatchObject({
      type: 'offer',
      sdp: expect.stringContaining(fr.fingerprint),
    });
    expect([p.a.state, p.b.state]).toEqual(['open', 'open']);
    p.close();
  });

  it('glare: both offer at once; the polite responder rolls back, answers, then offers again', async () => {
    const { p, responder, initiator, fr, fi } = await connectedPair(server.url);
    const toResponder: number[] = [];
    const toInitiator: number[] = [];
    p.a.on('signal', (k) => toResponder.push(k));
    p.b.on('signal', (k) => toInitiator.push(k));
    await Promise.all([responder.renegotiate(), initiator.renegotiate()]);
    // The impolite initiator ignored the colliding offer; the polite responder rolled back and answered.
    await vi.waitFor(() => expect(toResponder).toContain(InnerKind.ANSWER));
    expect(fr.rollbacks).toBe(1);
    expect(fi.rollbacks).toBe(0);
    // Its own offer is not lost: it offers again once stable, and the initiator answers that one.
    await vi.waitFor(() => expect(toInitiator.filter((k) => k === InnerKind.RENEGOTIATE)).toHaveLength(2));
    await vi.waitFor(() => expect(toResponder.filter((k) => k === InnerKind.ANSWER)).toHaveLength(1));
    await vi.waitFor(() => expect(toInitiator).toContain(InnerKind.ANSWER));
    expect([p.a.state, p.b.state]).toEqual(['open', 'open']);
    p.close();
  });

  it('an answer to no offer is refused (unexpected_type)', async () => {
    const { p } = await connectedPair(server.url);
    const refused = new Promise<{ reason: string }>((r) => p.b.once('connect-failed', r));
    p.a.sendSignal(InnerKind.ANSWER, new TextEncoder().encode(JSON.stringify({ sdp: 'v=0\r\n' })));
    expect((await refused).reason).toBe('unexpected_type');
    p.close();
  });
});
