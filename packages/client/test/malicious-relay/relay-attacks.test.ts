// The malicious-relay suite: a real @sealpeer/server behind a proxy that tampers with, replays, reorders,
// re-routes, drops, injects and swaps keys in sealed traffic. A frame that proves nothing (re-routed,
// broadcast, undecodable, for no session) is dropped and counted (docs/protocol.md 2.8); the peer's next
// sealed frame then shows the loss (counter_gap). Every attack with proof ends in a SignalingIntegrityError
// the application sees, with nothing of the refused frame delivered.
import { afterEach, describe, expect, it } from 'vitest';
import { cpaceInit } from '../../src/cpace/index.ts';
import { randomBytes } from '../../src/crypto/sodium.ts';
import { FrameType } from '../../src/envelope/frame.ts';
import { InnerKind } from '../../src/envelope/inner.ts';
import { ConnectError, type SessionEndError, SignalingIntegrityError } from '../../src/errors/integrity.ts';
import type { Session } from '../../src/session/session.ts';
import { armOnce, flip, withFrame } from '../support/attack.ts';
import { FakeRTCPeerConnection } from '../support/fake-rtc.ts';
import { newClient, next, type Pair, pairByInvite, text } from '../support/peers.ts';
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

/** Watches a session: the refusal it reports (either kind) and every message it delivered. */
function watch(s: Session) {
  const delivered: Uint8Array[] = [];
  s.on('message', (m) => delivered.push(m));
  const refused = new Promise<SessionEndError>((r) => {
    s.once('integrity-error', r);
    s.once('connect-failed', r);
  });
  return { delivered, refused };
}

/** The frame was dropped and counted (2.8), then the peer's next sealed frame shows the loss. */
async function droppedThenGap(p: Pair, b: ReturnType<typeof watch>, reason: string): Promise<void> {
  const stray = next(p.scanner, 'stray');
  p.a.send('x');
  expect((await stray)[1]).toBe(reason);
  expect(p.scanner.strayCount).toBeGreaterThan(0);
  expect(p.b.state).toBe('open');
  p.a.send('y');
  const err = await b.refused;
  expect(err).toBeInstanceOf(SignalingIntegrityError);
  expect(err.reason).toBe('counter_gap');
  expect(b.delivered).toHaveLength(0);
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
    // The sender learns it sealed: the peer's authenticated reason (peer_alarm), not a forgeable ABORT.
    const ea = await a.refused;
    expect(ea.reason).toBe('peer_alarm');
    expect(ea.peerReason).toBe('bad_tag');
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

  it('re-routing: a frame stamped with another sender is dropped (route_mismatch), the next shows the gap', async () => {
    const p = await paired();
    const other = await newClient(proxy.url, p.inviter.channelId);
    const b = watch(p.b);
    armOnce(proxy, p.scanner.clientId, isSealed, (f) => [{ ...f.frame, from: other.clientId }]);
    await droppedThenGap(p, b, 'route_mismatch');
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

  it("injection as a broadcast: a session's frame arriving by publish is dropped (route_mismatch)", async () => {
    const p = await paired();
    const b = watch(p.b);
    armOnce(proxy, p.scanner.clientId, isSealed, (f) => [{ ...f.frame, type: 'publish' }]);
    await droppedThenGap(p, b, 'route_mismatch');
  });

  it("another session's frame: an altered sid is dropped (wrong_session), the next shows the gap", async () => {
    const p = await paired();
    const b = watch(p.b);
    armOnce(proxy, p.scanner.clientId, isSealed, (f, fr) => [withFrame(f, { ...fr, sid: flip(fr.sid, 0) })]);
    await droppedThenGap(p, b, 'wrong_session');
  });

  it('altered counter → bad_tag (the header is authenticated); altered version byte → dropped, then the gap', async () => {
    const p = await paired();
    const b = watch(p.b);
    armOnce(proxy, p.scanner.clientId, isSealed, (f, fr) => [
      withFrame(f, { ...fr, counter: fr.counter + 1n }),
    ]);
    p.a.send('x');
    expect((await b.refused).reason).toBe('bad_tag');

    const q = await pairByInvite(proxy.url);
    const qb = watch(q.b);
    armOnce(proxy, q.scanner.clientId, isSealed, (f) => {
      const bytes = Buffer.from(String(f.frame.data), 'base64url');
      bytes[0] = 2;
      return [{ ...f.frame, data: bytes.toString('base64url') }];
    });
    await droppedThenGap(q, qb, 'bad_version');
    q.close();
  });

  it('an unauthenticated frame type not allowed in the state (a PAKE2 on an open session) is dropped', async () => {
    const p = await paired();
    const b = watch(p.b);
    armOnce(proxy, p.scanner.clientId, isSealed, (f, fr) => [
      withFrame(f, { type: FrameType.PAKE2, sid: fr.sid, counter: fr.counter, body: new Uint8Array(66) }),
    ]);
    await droppedThenGap(p, b, 'unexpected_type');
  });

  it('a misbehaving (authenticated) peer: a second CONFIRM, or a WebRTC signal that does not parse → could not connect', async () => {
    const p = await paired();
    const b = watch(p.b);
    p.a.sendSignal(InnerKind.CONFIRM, new Uint8Array(10));
    const eb = await b.refused;
    expect(eb).toBeInstanceOf(ConnectError);
    expect(eb.reason).toBe('unexpected_type');
    const q = await pairByInvite(proxy.url);
    const qa = watch(q.a);
    q.a.connectWebRTC({}, { RTCPeerConnection: FakeRTCPeerConnection as never });
    q.b.sendSignal(InnerKind.ANSWER, new TextEncoder().encode('{"sdp":42}'));
    expect((await qa.refused).reason).toBe('malformed');
    q.close();
  });

  it('garbage data from the peer is dropped (malformed), the next frame shows the gap', async () => {
    const p = await paired();
    const b = watch(p.b);
    armOnce(proxy, p.scanner.clientId, isSealed, (f) => [{ ...f.frame, data: 'not*base64' }]);
    await droppedThenGap(p, b, 'malformed');
  });

  it('a relayed message whose data is not a string is dropped (malformed, counted), then the gap', async () => {
    const p = await paired();
    const b = watch(p.b);
    armOnce(proxy, p.scanner.clientId, isSealed, (f) => [{ ...f.frame, data: 12345 }]);
    await droppedThenGap(p, b, 'malformed');
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

  it('tampered HELLO → the inviter refuses the attempt, the scanner could not connect, the invite lives on', async () => {
    const { inviter, inv, scanner } = await viaProxy();
    armOnce(
      proxy,
      inviter.clientId,
      (f) => f.type === FrameType.HELLO,
      (f, fr) => [withFrame(f, { ...fr, body: flip(fr.body, fr.body.length - 1) })],
    );
    const refused = next(inviter, 'refused');
    const se = await scanner.acceptInvite(inv.uri).catch((e) => e);
    expect((await refused)[0]).toBe('handshake_failed');
    expect(se).toBeInstanceOf(ConnectError);
    expect(se.reason).toBe('peer_aborted');
    // Nothing was proven, nothing is spent: the same invite still pairs.
    const [a, b] = await Promise.all([inv.session, scanner.acceptInvite(inv.uri)]);
    expect(a.safetyNumber).toBe(b.safetyNumber);
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
    const refused = next(inviter, 'refused');
    const se = await scanner.acceptInvite(inv.uri).catch((e) => e);
    expect(se).toBeInstanceOf(SignalingIntegrityError);
    expect(se.reason).toBe('handshake_failed');
    // The inviter's attempt ended on the scanner's unauthenticated ABORT: could not connect, no alarm.
    expect((await refused)[0]).toBe('peer_aborted');
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

  it("key swap on the short-code path: the relay's own PAKE2 does not bind; the joiner ends wrong_code", async () => {
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
      (f, fr) => [withFrame(f, { ...fr, body: new Uint8Array([...guess.message, ...randomBytes(32)]) })],
    );
    const je = await joiner.joinWithCode(shown.code).catch((e) => e);
    expect(je).toBeInstanceOf(ConnectError);
    expect(je.reason).toBe('wrong_code');
    expect(joiner.strayCount).toBeGreaterThan(0);
    expect(joiner.sessions().every((s) => s.peerClientId === undefined)).toBe(true);
    shower.close();
    joiner.close();
  });

  it('replayed HELLO after pairing: the live session drops it (replay, counted), a new sid is invite_used', async () => {
    const { inviter, inv, scanner } = await viaProxy();
    let hello: Record<string, unknown> | undefined;
    proxy.tamper = (f) => {
      if (f.client === inviter.clientId && f.frame.type === 'message' && !hello) hello = f.frame;
      return undefined;
    };
    const [a, b] = await Promise.all([inv.session, scanner.acceptInvite(inv.uri)]);
    const wa = watch(a);
    // Same frame again, with another sid: the invite is spent.
    const refused = next(inviter, 'refused');
    const bytes = Buffer.from(String(hello!.data), 'base64url');
    bytes[2]! ^= 1;
    proxy.deliver(inviter.clientId, { ...hello!, data: bytes.toString('base64url') });
    expect((await refused)[0]).toBe('invite_used');
    expect(a.state).toBe('open');
    // Same frame again, same sid: an unauthenticated frame with an old counter proves nothing: dropped.
    const stray = next(inviter, 'stray');
    proxy.deliver(inviter.clientId, hello!);
    expect((await stray)[1]).toBe('replay');
    expect(a.state).toBe('open');
    a.send('still here');
    expect(text((await next(b, 'message'))[0] as Uint8Array)).toBe('still here');
    expect(wa.delivered).toHaveLength(0);
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
