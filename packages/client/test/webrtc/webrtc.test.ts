// WebRTC glue over a sealed session (docs/protocol.md Part 2, 2.10). Node has no RTCPeerConnection, so
// the peer connection is a stand-in (test/support/fake-rtc.ts); sessions, relay and server are real.
import { describe, expect, it, vi } from 'vitest';
import { InnerKind } from '../../src/envelope/inner.ts';
import { compareFingerprints, sdpFingerprints } from '../../src/webrtc/fingerprint.ts';
import { decodeSignal } from '../../src/webrtc/signals.ts';
import { FakeRTCPeerConnection } from '../support/fake-rtc.ts';
import { pairByInvite } from '../support/peers.ts';
import { TamperingProxy } from '../support/proxy.ts';
import { CANDIDATE, LEAK_MARKERS, OFFER_SDP } from '../support/sdp.ts';
import { useLocalServer } from '../support/server.ts';
import { Ctor, connectedPair } from './helpers.ts';

const server = useLocalServer();

describe('fingerprints and signal contents', () => {
  it('reads every a=fingerprint line of an SDP', () => {
    expect(sdpFingerprints(OFFER_SDP)).toEqual([
      { algorithm: 'sha-256', value: expect.stringMatching(/^0D:3C:18:48:/) },
    ]);
    expect(sdpFingerprints('v=0\r\na=fingerprint:sha-256 zz\r\n')).toEqual([]);
  });

  it('verified / mismatch / skipped', () => {
    const fp = sdpFingerprints(OFFER_SDP);
    expect(compareFingerprints(fp, fp)).toBe('verified');
    expect(compareFingerprints(fp, [{ algorithm: 'sha-256', value: fp[0]!.value.toLowerCase() }])).toBe(
      'verified',
    );
    expect(compareFingerprints(fp, [{ algorithm: 'sha-256', value: 'AA:BB' }])).toBe('mismatch');
    expect(compareFingerprints([], [{ algorithm: 'sha-256', value: 'AA:BB' }])).toBe('mismatch');
    expect(compareFingerprints(fp, [])).toBe('skipped');
  });

  it('refuses signal contents that do not match their kind', () => {
    const e = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
    expect(decodeSignal(InnerKind.OFFER, e({ sdp: OFFER_SDP }))).toEqual({ kind: 'offer', sdp: OFFER_SDP });
    expect(
      decodeSignal(InnerKind.CANDIDATE, e({ candidate: CANDIDATE, sdpMid: '0', sdpMLineIndex: 0 })),
    ).toMatchObject({
      kind: 'candidate',
    });
    for (const [k, c] of [
      [InnerKind.OFFER, e({ sdp: 1 })],
      [InnerKind.OFFER, e({ sdp: OFFER_SDP, extra: 1 })],
      [InnerKind.ANSWER, e([])],
      [InnerKind.ANSWER, new Uint8Array([0xff])],
      [InnerKind.CANDIDATE, e({ candidate: CANDIDATE, sdpMLineIndex: -1 })],
      [InnerKind.CANDIDATE, e({ candidate: 'x'.repeat(2000) })],
      [InnerKind.END_OF_CANDIDATES, new Uint8Array([1])],
      [InnerKind.APP, e({})],
    ] as const)
      expect(decodeSignal(k, c)).toBeUndefined();
  });
});

describe('connectWebRTC over a sealed session', () => {
  it('negotiates with sealed offer/answer/ICE and verifies the DTLS fingerprint; the relay sees no SDP', async () => {
    const proxy = await TamperingProxy.start(server.url);
    const p = await pairByInvite(proxy.url);
    FakeRTCPeerConnection.seen = [];
    const la = p.a.connectWebRTC({}, { RTCPeerConnection: Ctor });
    const lb = p.b.connectWebRTC({}, { RTCPeerConnection: Ctor });
    expect(await la.connected).toBe('verified');
    expect(await lb.connected).toBe('verified');
    const [pa, pb] = FakeRTCPeerConnection.seen as [FakeRTCPeerConnection, FakeRTCPeerConnection];
    expect(pb.remoteDescription?.sdp).toContain(pa.fingerprint);
    // Each side gets the other's candidate and its end-of-candidates, sealed.
    await vi.waitFor(() => {
      expect(pa.candidates).toHaveLength(2);
      expect(pb.candidates).toHaveLength(2);
    });
    expect(pa.candidates[0]).toMatchObject({
      candidate: expect.stringMatching(/^candidate:1 1 udp/),
      sdpMid: '0',
    });
    expect(pa.candidates[1]).toBe('end-of-candidates');
    const all = proxy.record.join('\n');
    for (const m of LEAK_MARKERS) expect(all).not.toContain(m);
    p.close();
    await proxy.close();
  });

  it('a DTLS fingerprint that differs from the sealed SDP → dtls_fingerprint_mismatch, session and pc end', async () => {
    const p = await pairByInvite(server.url);
    FakeRTCPeerConnection.seen = [];
    const refused = new Promise<{ reason: string }>((r) => p.b.once('integrity-error', r));
    p.a.connectWebRTC({}, { RTCPeerConnection: Ctor });
    const lb = p.b.connectWebRTC({}, { RTCPeerConnection: Ctor });
    const fakeB = FakeRTCPeerConnection.seen[1]!;
    fakeB.observedRemote = 'DE:AD:BE:EF'; // a MITM's certificate
    expect((await refused).reason).toBe('dtls_fingerprint_mismatch');
    await expect(lb.connected).rejects.toMatchObject({ reason: 'dtls_fingerprint_mismatch' });
    expect(fakeB.closed).toBe(true);
    expect(p.b.state).toBe('failed');
    p.close();
  });

  it('renegotiation: the initiator re-offers sealed (RENEGOTIATE) and gets a fresh answer', async () => {
    const { p, initiator, fr, fi } = await connectedPair(server.url);
    const kinds: number[] = [];
    p.a.on('signal', (k) => kinds.push(k));
    const firstAnswer = fi.remoteDescription;
    await initiator.renegotiate();
    await vi.waitFor(() => expect(fi.remoteDescription).not.toBe(firstAnswer));
    // Exactly the re-offer and its own trickle ICE (connectedPair waited out the first negotiation's).
    await vi.waitFor(() => expect(fr.candidates).toHaveLength(4));
    expect(kinds).toEqual([InnerKind.RENEGOTIATE, InnerKind.CANDIDATE, InnerKind.END_OF_CANDIDATES]);
    expect(fr.remoteDescription?.sdp).toContain(fi.fingerprint);
    p.close();
  });

  it('refuses to start on a session that is not open', async () => {
    const p = await pairByInvite(server.url);
    p.a.close();
    expect(() => p.a.connectWebRTC({}, { RTCPeerConnection: Ctor })).toThrow(
      expect.objectContaining({ code: 'session_not_open' }),
    );
    p.close();
  });
});
