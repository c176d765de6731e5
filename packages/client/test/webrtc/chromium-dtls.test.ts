// The DTLS fingerprint check against a real WebRTC stack: two RTCPeerConnections in Debian's Chromium
// connect; `observedFingerprints` (the very function the client uses, run in the page) must read the
// remote certificate fingerprint from getStats(), and it must equal the one in the peer's SDP; the
// getRemoteCertificates fallback (src/webrtc/certificates.ts) must compute the same from the DER.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transportFingerprints } from '../../src/webrtc/certificates.ts';
import { compareFingerprints, observedFingerprints, sdpFingerprints } from '../../src/webrtc/fingerprint.ts';

const CHROMIUM = '/usr/bin/chromium';
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-features=WebRtcHideLocalIpsWithMdns'],
  });
});
afterAll(async () => {
  await browser?.close();
});

describe('DTLS fingerprint in Chromium', () => {
  it('getStats exposes the remote certificate, equal to the sealed SDP fingerprint; getRemoteCertificates agrees', async () => {
    const page = await browser.newPage();
    const result = await page.evaluate(async (observeSrc: string) => {
      // Rebuilds the client's own function from its source, inside the page.
      const observe = new Function(`return (${observeSrc})`)() as (pc: RTCPeerConnection) => Promise<unknown>;
      const a = new RTCPeerConnection();
      const b = new RTCPeerConnection();
      a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
      b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
      a.createDataChannel('sealpeer');
      await a.setLocalDescription(await a.createOffer());
      await b.setRemoteDescription(a.localDescription!);
      await b.setLocalDescription(await b.createAnswer());
      await a.setRemoteDescription(b.localDescription!);
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`state ${b.connectionState}`)), 15000);
        const check = () => {
          if (a.connectionState === 'connected' && b.connectionState === 'connected') {
            clearTimeout(t);
            resolve();
          }
        };
        a.onconnectionstatechange = check;
        b.onconnectionstatechange = check;
        check();
      });
      return {
        offerSdp: a.localDescription!.sdp,
        answerSdp: b.localDescription!.sdp,
        seenByB: await observe(b),
        seenByA: await observe(a),
        // The fallback's source: the DTLS transport's own remote certificates (DER bytes).
        dersSeenByB: (b.sctp?.transport.getRemoteCertificates() ?? []).map((c) => [...new Uint8Array(c)]),
      };
    }, observedFingerprints.toString());
    const seenByB = result.seenByB as Array<{ algorithm: string; value: string }>;
    const seenByA = result.seenByA as Array<{ algorithm: string; value: string }>;
    expect(seenByB.length).toBeGreaterThan(0);
    expect(compareFingerprints(sdpFingerprints(result.offerSdp), seenByB)).toBe('verified');
    expect(compareFingerprints(sdpFingerprints(result.answerSdp), seenByA)).toBe('verified');
    // A relay that swapped the fingerprint in the SDP would be caught: B saw A's real certificate.
    expect(compareFingerprints(sdpFingerprints(result.answerSdp), seenByB)).toBe('mismatch');
    // The getRemoteCertificates fallback computes the same fingerprint from Chromium's DER certificate.
    const ders = result.dersSeenByB.map((d) => new Uint8Array(d).buffer);
    expect(ders).toHaveLength(1);
    const fromTransport = transportFingerprints(
      { sctp: { transport: { getRemoteCertificates: () => ders } } },
      sdpFingerprints(result.offerSdp),
    );
    expect(fromTransport).toEqual(seenByB);
    expect(compareFingerprints(sdpFingerprints(result.offerSdp), fromTransport)).toBe('verified');
    await page.close();
  });
});
