// "Hide my IP address" (src/webrtc/relay-only.ts, docs/threat-model.md): with `relayOnly`, nothing but TURN
// relay candidates leaves this device, in candidate signals or in SDP, whatever the RTCPeerConnection
// gathered. Node has no RTCPeerConnection: the stand-in (test/support/fake-rtc.ts) here gathers host,
// srflx and relay candidates, as a browser without the relay policy would; sessions, relay and server
// are real. The real browser with a real coturn: packages/app/test/e2e/hide-ip.test.ts.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { relayOnlyCandidate, relayOnlySdp } from '../../src/webrtc/relay-only.ts';
import { FakeRTCPeerConnection } from '../support/fake-rtc.ts';
import { pairByInvite } from '../support/peers.ts';
import { OFFER_SDP } from '../support/sdp.ts';
import { useLocalServer } from '../support/server.ts';

const server = useLocalServer();

const HOST = 'candidate:1 1 udp 2122260223 192.0.2.10 54321 typ host generation 0';
const SRFLX = 'candidate:2 1 udp 1686052607 203.0.113.7 46154 typ srflx raddr 192.0.2.10 rport 54321';
const PRFLX = 'candidate:3 1 udp 1845501695 203.0.113.8 40000 typ prflx raddr 192.0.2.10 rport 54321';
const RELAY = 'candidate:4 1 udp 41885439 198.51.100.3 50001 typ relay raddr 203.0.113.7 rport 46154';
const RELAY6 = 'candidate:5 1 udp 41885439 2001:db8::3 50002 typ relay raddr 2001:db8::10 rport 1';
const RELAY_TCP =
  'candidate:6 1 tcp 24911871 198.51.100.3 50003 typ relay raddr 0.0.0.0 rport 0 tcptype passive';

describe('relayOnlyCandidate', () => {
  it('keeps relay candidates, with their related address (what TURN saw of this device) zeroed', () => {
    expect(relayOnlyCandidate(RELAY)).toBe(
      'candidate:4 1 udp 41885439 198.51.100.3 50001 typ relay raddr 0.0.0.0 rport 0',
    );
    expect(relayOnlyCandidate(RELAY6)).toBe(
      'candidate:5 1 udp 41885439 2001:db8::3 50002 typ relay raddr :: rport 0',
    );
    expect(relayOnlyCandidate(RELAY_TCP)).toBe(RELAY_TCP);
    expect(relayOnlyCandidate(`a=${RELAY}`)).toMatch(/^a=candidate:4 .* typ relay raddr 0\.0\.0\.0 rport 0$/);
  });

  it('withholds host, srflx and prflx candidates', () => {
    for (const c of [HOST, SRFLX, PRFLX, `a=${HOST}`]) expect(relayOnlyCandidate(c)).toBeNull();
  });

  it('withholds anything that is not a well-formed candidate, whatever words it holds', () => {
    for (const c of [
      '',
      'typ relay',
      'candidate:relay 1 udp 1 192.0.2.10 1 typ host', // "relay" as the foundation
      'candidate:1 1 udp 1 192.0.2.10 1 typ host raddr 1.2.3.4 rport 1 x typ relay', // "typ relay" later
      'candidate:1 1 udp 1 192.0.2.10 1 type relay',
      'candidate:1 1 udp 192.0.2.10 1 typ relay', // a field missing: address lands on "1"
      'foo:1 1 udp 1 198.51.100.3 1 typ relay',
      'candidate:1 1 udp 1 198.51.100.3 1 typ RELAY',
    ])
      expect(relayOnlyCandidate(c), c).toBeNull();
  });
});

/** OFFER_SDP (Chrome-like) with a filled-in connection line, RTCP address and all kinds of candidates. */
const GATHERED_SDP = OFFER_SDP.replace('c=IN IP4 0.0.0.0', 'c=IN IP4 192.0.2.10').replace(
  'a=sctp-port:5000',
  [
    'a=rtcp:54321 IN IP4 192.0.2.10',
    `a=${HOST}`,
    `a=${SRFLX}`,
    `a=${RELAY}`,
    `a=${RELAY6}`,
    'a=sctp-port:5000',
  ].join('\r\n'),
);

describe('relayOnlySdp', () => {
  it('keeps only relay candidate lines and clears connection addresses; everything else unchanged', () => {
    const out = relayOnlySdp(GATHERED_SDP);
    expect(out).not.toMatch(/192\.0\.2\.10|203\.0\.113\.7|2001:db8::10/);
    const cands = out.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
    expect(cands).toEqual([
      'a=candidate:4 1 udp 41885439 198.51.100.3 50001 typ relay raddr 0.0.0.0 rport 0',
      'a=candidate:5 1 udp 41885439 2001:db8::3 50002 typ relay raddr :: rport 0',
    ]);
    expect(out).toContain('\r\nc=IN IP4 0.0.0.0\r\n');
    expect(out).toContain('\r\na=rtcp:9 IN IP4 0.0.0.0\r\n');
    // The DTLS fingerprint (checked by the peer, docs/protocol.md 2.10) and the ICE credentials stay.
    for (const keep of ['a=fingerprint:sha-256 0D:3C', 'a=ice-ufrag:EsAw', 'a=setup:actpass', 'a=mid:0'])
      expect(out).toContain(keep);
    expect(out.endsWith('\r\n')).toBe(true);
    expect(relayOnlySdp(OFFER_SDP)).toBe(OFFER_SDP); // nothing gathered: nothing changes
  });

  it('property: no address of a non-relay candidate survives, whatever the candidate lines hold', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const ip = fc.tuple(octet, octet, octet, octet).map((o) => `10.${o[1]}.${o[2]}.${o[3]}`);
    const typ = fc.constantFrom('host', 'srflx', 'prflx', 'relay', 'RELAY', 'relayx', '');
    const line = fc
      .tuple(fc.nat(), ip, fc.integer({ min: 1, max: 65535 }), typ, ip, fc.boolean())
      .map(([f, addr, port, t, raddr, related]) =>
        t === 'relay'
          ? `a=candidate:${f} 1 udp 1 198.51.100.3 ${port} typ relay${related ? ` raddr ${raddr} rport 9` : ''}`
          : `a=candidate:${f} 1 udp 1 ${addr} ${port} typ ${t}${related ? ` raddr ${raddr} rport 9` : ''}`,
      );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        const out = relayOnlySdp(OFFER_SDP.replace('a=mid:0', ['a=mid:0', ...lines].join('\r\n')));
        expect(out).not.toMatch(/\b10\.\d+\.\d+\.\d+/);
        const kept = out.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
        expect(kept).toHaveLength(lines.filter((l) => / typ relay( |$)/.test(l)).length);
        for (const l of kept) expect(l).toMatch(/ typ relay( raddr 0\.0\.0\.0 rport 0)?$/);
      }),
    );
  });
});

/** The stand-in, gathering like a browser without the relay policy: host, srflx and relay candidates. */
class GatheringPC extends FakeRTCPeerConnection {
  override addEventListener(
    type: string,
    fn: Parameters<FakeRTCPeerConnection['addEventListener']>[1],
  ): void {
    if (type !== 'icecandidate') {
      super.addEventListener(type, fn);
      return;
    }
    super.addEventListener(type, (ev) => {
      if (ev.candidate === null) {
        for (const candidate of [SRFLX, RELAY])
          fn({ candidate: { toJSON: () => ({ candidate, sdpMid: '0', sdpMLineIndex: 0 }) } });
      }
      fn(ev); // the stand-in's own host candidate, then end-of-candidates
    });
  }
  override async createOffer() {
    return { type: 'offer', sdp: GATHERED_SDP };
  }
}

describe('connectWebRTC({ relayOnly })', () => {
  it('sends the peer only relay candidates and relay-only SDP; counts what it withheld', async () => {
    const p = await pairByInvite(server.url);
    FakeRTCPeerConnection.seen = [];
    // a: responder (answers with the plain stand-in); b: initiator, hiding its address.
    const la = p.a.connectWebRTC({}, { RTCPeerConnection: FakeRTCPeerConnection as never });
    const lb = p.b.connectWebRTC(
      { iceTransportPolicy: 'relay' },
      { RTCPeerConnection: GatheringPC as never, relayOnly: true },
    );
    await Promise.all([la.connected, lb.connected]);
    const [pa, pb] = FakeRTCPeerConnection.seen as [FakeRTCPeerConnection, FakeRTCPeerConnection];
    expect(pb).toBeInstanceOf(GatheringPC);
    expect(pb.config).toEqual({ iceTransportPolicy: 'relay' });
    await vi.waitFor(() => expect(pa.candidates.at(-1)).toBe('end-of-candidates'));
    // What the peer received: the offer without host/srflx lines, one relay candidate, end-of-candidates.
    const offer = pa.remoteDescription?.sdp ?? '';
    expect(offer).not.toMatch(/192\.0\.2\.10|203\.0\.113\.7|typ (host|srflx|prflx)/);
    expect(offer).toContain('typ relay raddr 0.0.0.0 rport 0');
    expect(pa.candidates).toEqual([
      {
        candidate: 'candidate:4 1 udp 41885439 198.51.100.3 50001 typ relay raddr 0.0.0.0 rport 0',
        sdpMid: '0',
        sdpMLineIndex: 0,
      },
      'end-of-candidates',
    ]);
    expect(lb.withheld).toBe(2); // srflx + host
    // The other side did not ask for it: its host candidate reaches b unchanged.
    await vi.waitFor(() => expect(pb.candidates.at(-1)).toBe('end-of-candidates'));
    expect(pb.candidates[0]).toMatchObject({ candidate: expect.stringContaining('typ host') });
    expect(la.withheld).toBe(0);
    p.close();
  });
});
