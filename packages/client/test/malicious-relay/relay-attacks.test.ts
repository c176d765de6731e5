// The malicious-relay suite: a real @sealpeer/server behind a proxy that tampers with, replays, reorders,
// re-routes, drops, injects and swaps keys in sealed traffic. Every attack must end in a refusal the
// application sees (SignalingIntegrityError with a reason), with nothing of the refused frame delivered.
import { afterEach, describe, expect, it } from 'vitest';
import { cpaceInit } from '../../src/cpace/index.ts';
import { randomBytes } from '../../src/crypto/sodium.ts';
import { FrameType, frameToData } from '../../src/envelope/frame.ts';
import { InnerKind } from '../../src/envelope/inner.ts';
import type { SignalingIntegrityError } from '../../src/errors/integrity.ts';
import type { Session } from '../../src/session/session.ts';
import { armOnce, flip, withFrame } from '../support/attack.ts';
import { FakeRTCPeerConnection } from '../support/fake-rtc.ts';
import { newClient, next, type Pair, pairByInvite } from '../support/peers.ts';
import { TamperingProxy } from '../support/proxy.ts';
import { useLocalServer } from '../support/server.ts';

const server = useLocalServer();
let proxy: TamperingProxy;
let pair: Pair | undefined;
afterEach(async () => {
  pair?.close();
  pair = undefined;
  await proxy?.close();
});

async function paired(): Promise<Pair> {
  proxy = await TamperingProxy.start(server.url);
  pair = await pairByInvite(proxy.url);
  return pair;
}

/** Watches a session: the refusal it reports and every message it delivered. */
function watch(s: Session) {
  const delivered: Uint8Array[] = [];
  s.on('message', (m) => delivered.push(m));
  const refused = new Promise<SignalingIntegrityError>((r) => s.once('integrity-error', r));
  return { delivered, refused };
}

const isSealed = (f: { type: number }) => f.type === FrameType.SEALED;

describe('malicious relay: sealed messages', () => {
  it('tampering: one flipped ciphertext bit → bad_tag, nothing delivered, the sender learns it', async () => {
    const p = await paired();
    const b = watch(p.b);
    const a = watch(p.a);
    armOnce(proxy, p.scanner.clientId, isSealed, (f, fr) => [
      withFrame(f, { ...fr, body: flip(fr.body, 40) }),
    ]);
    p.a.send('secret');
    expect((await b.refused).reason).toBe('bad_tag');
    expect(b.delivered).toHaveLength(0);
    expect(p.b.state).toBe('failed');
    expect((await a.refused).reason).toBe('peer_aborted');
    expect(() => p.b.send('after')).toThrow(expect.objectContaining({ code: 'session_closed' }));
  });

  it('replay: the same frame twice → the copy is refused (replay)', async () => {
    const p = await paired();
    const b = watch(p.b);
    armOnce(proxy, p.scanner.clientId, isSealed, (f) => [f.frame, f.frame]);
    p.a.send('once');
    expect((await b.refused).reason).toBe('replay');
    expect(b.delivered.map((m) => new TextDecoder().decode(m))).toEqual(['once']);
  });

  it('reordering: two frames swapped → counter_gap, neither delivered', async () => {
    const p = await paired();
    const b = watch(p.b);
    let held: Record<string, unknown> | undefined;
    proxy.tamper = (f) => {
      if (f.client !== p.scanner.clientId || f.frame.type !== 'message') return undefined;
      if (!held) {
        held = f.frame;
        return [];
      }
      return [f.frame, held];
    };
    p.a.send('first');
    p.a.send('second');
    expect((await b.refused).reason).toBe('counter_gap');
    expect(b.delivered).toHaveLength(0);
  });

  it('dropping: a frame removed on the way → the next one is refused (counter_gap)', async () => {
    const p = await paired();
    const b = watch(p.b);
    armOnce(proxy, p.scanner.clientId, isSealed, () => []);
    p.a.send('dropped');
    p.a.send('next');
    expect((await b.refused).reason).toBe('counter_gap');
    expect(b.delivered).toHaveLength(0);
  });

  it('re-routing: a frame stamped with another sender → route_mismatch', async () => {
    const p = await paired();
    const other = await newClient(proxy.url, p.inviter.channelId);
    const b = watch(p.b);
    armOnce(proxy, p.scanner.clientId, isSealed, (f) => [{ ...f.frame, from: other.clientId }]);
    p.a.send('x');
    expect((await b.refused).reason).toBe('route_mismatch');
    expect(b.delivered).toHaveLength(0);
    other.close();
  });

  it("reflection: a peer's frame sent back to its author → refused", async () => {
    const p = await paired();
    const a = watch(p.a);
    proxy.tamper = (f, px) => {
      if (f.client !== p.scanner.clientId || f.frame.type !== 'message') return undefined;
      px.deliver(p.inviter.clientId, { ...f.frame, from: p.scanner.clientId });
      return [];
    };
    p.a.send('mirror');
    expect(['bad_tag', 'replay', 'counter_gap']).toContain((await a.refused).reason);
    expect(a.delivered).toHaveLength(0);
  });

  it('injection: a forged frame with the right sid and next counter → bad_tag', async () => {
    const p = await paired();
    const b = watch(p.b);
    armOnce(proxy, p.scanner.clientId, isSealed, (f, fr) => [
      withFrame(f, { ...fr, body: randomBytes(fr.body.length) }),
    ]);
    p.a.send('real');
    expect((await b.refused).reason).toBe('bad_tag');
    expect(b.delivered).toHaveLength(0);
  });

  it("injection as a broadcast: a session's frame arriving by publish → route_mismatch", async () => {
    const p = await paired();
    const b = watch(p.b);
    armOnce(proxy, p.scanner.clientId, isSealed, (f) => [{ ...f.frame, type: 'publish' }]);
    p.a.send('x');
    expect((await b.refused).reason).toBe('route_mismatch');
  });

  it("another session's frame: an altered sid from the session peer → wrong_session", async () => {
    const p = await paired();
    const b = watch(p.b);
    armOnce(proxy, p.scanner.clientId, isSealed, (f, fr) => [withFrame(f, { ...fr, sid: flip(fr.sid, 0) })]);
    p.a.send('x');
    expect((await b.refused).reason).toBe('wrong_session');
  });

  it('altered counter or version byte → counter_gap / bad_version', async () => {
    const p = await paired();
    const b = watch(p.b);
    armOnce(proxy, p.scanner.clientId, isSealed, (f, fr) => [
      withFrame(f, { ...fr, counter: fr.counter + 1n }),
    ]);
    p.a.send('x');
    expect((await b.refused).reason).toBe('counter_gap');

    const q = await pairByInvite(proxy.url);
    const qb = watch(q.b);
    proxy.tamper = (f) => {
      if (f.client !== q.scanner.clientId || f.frame.type !== 'message') return undefined;
      const bytes = Buffer.from(String(f.frame.data), 'base64url');
      bytes[0] = 2;
      return [{ ...f.frame, data: bytes.toString('base64url') }];
    };
    q.a.send('x');
    expect((await qb.refused).reason).toBe('bad_version');
    q.close();
  });

  it('a frame type not allowed in the state (a PAKE2 on an open session, next counter) → unexpected_type', async () => {
    const p = await paired();
    const b = watch(p.b);
    armOnce(proxy, p.scanner.clientId, isSealed, (f, fr) => [
      withFrame(f, { type: FrameType.PAKE2, sid: fr.sid, counter: fr.counter, body: new Uint8Array(34) }),
    ]);
    p.a.send('x');
    expect((await b.refused).reason).toBe('unexpected_type');
  });

  it('a misbehaving peer: a second CONFIRM, or a WebRTC signal that does not parse → refused', async () => {
    const p = await paired();
    const b = watch(p.b);
    p.a.sendSignal(InnerKind.CONFIRM, new Uint8Array(10));
    expect((await b.refused).reason).toBe('unexpected_type');
    const q = await pairByInvite(proxy.url);
    const qa = watch(q.a);
    q.a.connectWebRTC({}, { RTCPeerConnection: FakeRTCPeerConnection as never });
    q.b.sendSignal(InnerKind.ANSWER, new TextEncoder().encode('{"sdp":42}'));
    expect((await qa.refused).reason).toBe('malformed');
    q.close();
  });

  it('garbage data from the peer → malformed', async () => {
    const p = await paired();
    const b = watch(p.b);
    proxy.tamper = (f) =>
      f.client === p.scanner.clientId && f.frame.type === 'message'
        ? [{ ...f.frame, data: 'not*base64' }]
        : undefined;
    p.a.send('x');
    expect((await b.refused).reason).toBe('malformed');
  });

  it('a relayed message whose data is not a string → malformed (never silently dropped)', async () => {
    const p = await paired();
    const b = watch(p.b);
    armOnce(proxy, p.scanner.clientId, isSealed, (f) => [{ ...f.frame, data: 12345 }]);
    p.a.send('x');
    expect((await b.refused).reason).toBe('malformed');
  });

  it('an injected ABORT ends the session (peer_aborted; a relay can always drop frames instead)', async () => {
    const p = await paired();
    const b = watch(p.b);
    proxy.deliver(p.scanner.clientId, {
      type: 'message',
      from: p.inviter.clientId,
      data: frameToData({ type: FrameType.ABORT, sid: p.b.sid, counter: 0n, body: new Uint8Array([8]) }),
    });
    const err = await b.refused;
    expect(err.reason).toBe('peer_aborted');
    expect(err.peerReason).toBe('bad_tag');
  });
});

describe('malicious relay: handshakes', () => {
  async function viaProxy() {
    proxy = await TamperingProxy.start(server.url);
    const inviter = await newClient(proxy.url);
    const inv = inviter.createInvite();
    const scanner = await newClient(proxy.url, inviter.channelId);
    return { inviter, inv, scanner };
  }

  it('tampered HELLO → the inviter refuses (handshake_failed) and the scanner learns it', async () => {
    const { inviter, inv, scanner } = await viaProxy();
    armOnce(
      proxy,
      inviter.clientId,
      (f) => f.type === FrameType.HELLO,
      (f, fr) => [withFrame(f, { ...fr, body: flip(fr.body, fr.body.length - 1) })],
    );
    const [ie, se] = await Promise.all([
      inv.session.catch((e) => e),
      scanner.acceptInvite(inv.uri).catch((e) => e),
    ]);
    expect(ie.reason).toBe('handshake_failed');
    expect(se.reason).toBe('peer_aborted');
    inviter.close();
    scanner.close();
  });

  it("key swap: the relay replaces the inviter's ephemeral key → handshake_failed", async () => {
    const { inviter, inv, scanner } = await viaProxy();
    armOnce(
      proxy,
      scanner.clientId,
      (f) => f.type === FrameType.HANDSHAKE,
      (f, fr) => {
        const body = fr.body.slice();
        body.set(randomBytes(32), 0);
        return [withFrame(f, { ...fr, body })];
      },
    );
    const [ie, se] = await Promise.all([
      inv.session.catch((e) => e),
      scanner.acceptInvite(inv.uri).catch((e) => e),
    ]);
    expect(se.reason).toBe('handshake_failed');
    expect(ie.reason).toBe('peer_aborted');
    inviter.close();
    scanner.close();
  });

  it("key swap on a known contact: the relay replaces the initiator's ephemeral → refused", async () => {
    proxy = await TamperingProxy.start(server.url);
    const a = await newClient(proxy.url);
    const b = await newClient(proxy.url, a.channelId);
    const ia = a.local.publicIdentity;
    const ib = b.local.publicIdentity;
    b.acceptKnown([{ staticKey: ia.x25519, identityKey: ia.ed25519 }]);
    armOnce(
      proxy,
      b.clientId,
      (f) => f.type === FrameType.HELLO,
      (f, fr) => {
        const body = fr.body.slice();
        body.set(randomBytes(32), 1);
        return [withFrame(f, { ...fr, body })];
      },
    );
    const refused = next(b, 'refused');
    const err = await a
      .connectKnown({ clientId: b.clientId, staticKey: ib.x25519, identityKey: ib.ed25519 })
      .catch((e) => e);
    expect(err.peerReason).toBe('unknown_peer');
    expect((await refused)[0]).toBe('unknown_peer');
    a.close();
    b.close();
  });

  it('key swap on the short-code path: the relay answers PAKE1 with its own CPace message → refused', async () => {
    proxy = await TamperingProxy.start(server.url);
    const shower = await newClient(proxy.url);
    const joiner = await newClient(proxy.url, shower.channelId);
    const shown = shower.showCode();
    // The relay replaces the shower's PAKE2 with a CPace message of its own, for a guessed code.
    const guess = cpaceInit({
      prs: new TextEncoder().encode('sealpeer/1 code 000-000000'),
      ci: new Uint8Array(0),
      sid: new Uint8Array(16),
      ad: new Uint8Array(0),
      role: 'responder',
    });
    armOnce(
      proxy,
      joiner.clientId,
      (f) => f.type === FrameType.PAKE2,
      (f, fr) => [withFrame(f, { ...fr, body: guess.message })],
    );
    const [se, je] = await Promise.all([
      shown.session.catch((e) => e),
      joiner.joinWithCode(shown.code).catch((e) => e),
    ]);
    expect(se.reason).toBe('handshake_failed');
    expect(je.reason).toBe('peer_aborted');
    shower.close();
    joiner.close();
  });

  it('replayed HELLO after pairing: the live session refuses it (replay), a new sid is invite_used', async () => {
    const { inviter, inv, scanner } = await viaProxy();
    let hello: Record<string, unknown> | undefined;
    proxy.tamper = (f) => {
      if (f.client === inviter.clientId && f.frame.type === 'message' && !hello) hello = f.frame;
      return undefined;
    };
    const [a] = await Promise.all([inv.session, scanner.acceptInvite(inv.uri)]);
    const wa = watch(a);
    // Same frame again, with another sid: the invite is spent.
    const refused = next(inviter, 'refused');
    const bytes = Buffer.from(String(hello!.data), 'base64url');
    bytes[2]! ^= 1;
    proxy.deliver(inviter.clientId, { ...hello!, data: bytes.toString('base64url') });
    expect((await refused)[0]).toBe('invite_used');
    expect(a.state).toBe('open');
    // Same frame again, same sid: the live session sees an old counter.
    proxy.deliver(inviter.clientId, hello!);
    expect((await wa.refused).reason).toBe('replay');
    inviter.close();
    scanner.close();
  });
});

describe('malicious relay: what it sees', () => {
  it('never sees SDP, fingerprints, candidates or ICE credentials, only sealed frames', async () => {
    const p = await paired();
    const { OFFER_SDP, CANDIDATE, LEAK_MARKERS } = await import('../support/sdp.ts');
    const got = new Promise<void>((r) => {
      let n = 0;
      p.b.on('signal', () => {
        if (++n === 2) r();
      });
    });
    p.a.sendSignal(InnerKind.OFFER, new TextEncoder().encode(JSON.stringify({ sdp: OFFER_SDP })));
    p.a.sendSignal(InnerKind.CANDIDATE, new TextEncoder().encode(JSON.stringify({ candidate: CANDIDATE })));
    p.a.send(OFFER_SDP);
    await got;
    const all = proxy.record.join('\n');
    expect(proxy.record.length).toBeGreaterThan(10);
    for (const m of LEAK_MARKERS) expect(all).not.toContain(m);
    for (const m of LEAK_MARKERS) expect(OFFER_SDP + CANDIDATE).toContain(m);
  });
});
