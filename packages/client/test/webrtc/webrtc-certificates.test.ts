// The DTLS check's fallback (docs/protocol.md Part 2, 2.10): where getStats() shows no remote certificate,
// the fingerprint is computed from RTCDtlsTransport.getRemoteCertificates() (RFC 8122 §5: hash of the DER).
// node:crypto is the independent reference for the hash; sessions, relay and server are real.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derFingerprint, transportFingerprints } from '../../src/webrtc/certificates.ts';
import { compareFingerprints } from '../../src/webrtc/fingerprint.ts';
import { FakeRTCPeerConnection } from '../support/fake-rtc.ts';
import { pairByInvite } from '../support/peers.ts';
import { useLocalServer } from '../support/server.ts';

const server = useLocalServer();

const reference = (alg: 'sha256' | 'sha384' | 'sha512', der: Uint8Array) =>
  (createHash(alg).update(der).digest('hex').match(/../g) ?? []).join(':').toUpperCase();

/** A stand-in whose getStats() has no certificates; its transport hands out DER certificates instead. */
class CertificatesOnly extends FakeRTCPeerConnection {
  static mitm = false;
  readonly der = new Uint8Array(randomBytes(120));
  override readonly fingerprint = reference('sha256', this.der);
  override async getStats() {
    return new Map<string, unknown>([['T01', { type: 'transport' }]]);
  }
  get sctp() {
    const peer = FakeRTCPeerConnection.seen.find((p) => p !== this) as CertificatesOnly | undefined;
    const der = CertificatesOnly.mitm ? new Uint8Array(randomBytes(120)) : peer?.der;
    return { transport: { getRemoteCertificates: () => (der ? [der.buffer as ArrayBuffer] : []) } };
  }
}

describe('fingerprints from the DTLS transport', () => {
  it('hashes the DER with the SDP hash function, as node:crypto does', () => {
    const der = new Uint8Array(randomBytes(300));
    expect(derFingerprint('sha-256', der)?.value).toBe(reference('sha256', der));
    expect(derFingerprint('SHA-384', der)).toEqual({ algorithm: 'sha-384', value: reference('sha384', der) });
    expect(derFingerprint('sha-512', der)?.value).toBe(reference('sha512', der));
    expect(derFingerprint('md5', der)).toBeUndefined();
    const sdp = [{ algorithm: 'sha-512', value: reference('sha512', der) }];
    const pc = (certs: ArrayBuffer[]) => ({ sctp: { transport: { getRemoteCertificates: () => certs } } });
    expect(compareFingerprints(sdp, transportFingerprints(pc([der.slice().buffer]), sdp))).toBe('verified');
    const other = new Uint8Array(randomBytes(300)).buffer;
    expect(compareFingerprints(sdp, transportFingerprints(pc([other]), sdp))).toBe('mismatch');
    expect(transportFingerprints(pc([]), sdp)).toEqual([]);
    expect(transportFingerprints({}, sdp)).toEqual([]);
  });

  it('connectWebRTC verifies through the transport when getStats() shows no certificate', async () => {
    const p = await pairByInvite(server.url);
    FakeRTCPeerConnection.seen = [];
    CertificatesOnly.mitm = false;
    const Ctor = CertificatesOnly as never;
    const la = p.a.connectWebRTC({}, { RTCPeerConnection: Ctor });
    const lb = p.b.connectWebRTC({}, { RTCPeerConnection: Ctor });
    expect(await la.connected).toBe('verified');
    expect(await lb.connected).toBe('verified');
    p.close();
  });

  it('…and refuses a transport certificate that is not the sealed one (dtls_fingerprint_mismatch)', async () => {
    const p = await pairByInvite(server.url);
    FakeRTCPeerConnection.seen = [];
    CertificatesOnly.mitm = true;
    const Ctor = CertificatesOnly as never;
    type Refusal = { reason: string; peerReason?: string };
    const refusedA = new Promise<Refusal>((r) => p.a.once('integrity-error', r));
    const refusedB = new Promise<Refusal>((r) => p.b.once('integrity-error', r));
    const la = p.a.connectWebRTC({}, { RTCPeerConnection: Ctor });
    const lb = p.b.connectWebRTC({}, { RTCPeerConnection: Ctor });
    // Both sides see the wrong certificate. Whichever checks first refuses with the mismatch and aborts
    // the session with a sealed ABORT, so the other refuses with the mismatch itself or with peer_alarm naming it.
    const refusals = await Promise.all([refusedA, refusedB]);
    for (const e of refusals) {
      if (e.reason !== 'dtls_fingerprint_mismatch')
        expect(e).toMatchObject({ reason: 'peer_alarm', peerReason: 'dtls_fingerprint_mismatch' });
    }
    expect(refusals.map((e) => e.reason)).toContain('dtls_fingerprint_mismatch');
    for (const link of [la, lb]) {
      const err = await link.connected.then(
        () => expect.fail('the link connected despite a foreign certificate'),
        (e: Refusal) => e,
      );
      expect([err.reason, err.peerReason]).toContain('dtls_fingerprint_mismatch');
    }
    p.close();
  });
});
