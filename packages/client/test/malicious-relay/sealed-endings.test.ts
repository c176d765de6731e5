// Sealed endings (docs/protocol.md Part 2, 2.7): once a session is open only a sealed message ends it.
// A forged (unauthenticated) ABORT or a relay `peer_not_found` leaves an open session running; before
// the session is open they end the attempt as *could not connect*, never as an integrity verdict.
import { afterEach, describe, expect, it } from 'vitest';
import { FrameType, frameToData } from '../../src/envelope/frame.ts';
import { ConnectError, reasonToByte, SignalingIntegrityError } from '../../src/errors/integrity.ts';
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

const abortData = (sid: Uint8Array, reason: Parameters<typeof reasonToByte>[0]) =>
  frameToData({ type: FrameType.ABORT, sid, counter: 0n, body: new Uint8Array([reasonToByte(reason)]) });

describe('sealed endings', () => {
  it('a forged ABORT on an open session (any reason) does not end it: dropped and counted', async () => {
    proxy = await TamperingProxy.start(server.url);
    pair = await pairByInvite(proxy.url);
    const p = pair;
    let ended = false;
    p.b.on('close', () => {
      ended = true;
    });
    const stray = next(p.scanner, 'stray');
    proxy.deliver(p.scanner.clientId, {
      type: 'message',
      from: p.inviter.clientId,
      data: abortData(p.b.sid, 'dtls_fingerprint_mismatch'),
    });
    const [, reason, detail] = await stray;
    expect(reason).toBe('unexpected_type');
    expect(detail).toMatch(/ABORT/);
    expect(p.scanner.strayCount).toBe(1);
    expect(p.b.state).toBe('open');
    // The session still carries messages both ways.
    p.a.send('after the forged abort');
    expect(text((await next(p.b, 'message'))[0] as Uint8Array)).toBe('after the forged abort');
    p.b.send('back');
    expect(text((await next(p.a, 'message'))[0] as Uint8Array)).toBe('back');
    expect(ended).toBe(false);
  });

  it("the relay's peer_not_found for a frame of an open session does not end it", async () => {
    proxy = await TamperingProxy.start(server.url);
    pair = await pairByInvite(proxy.url);
    const p = pair;
    // The relay swallows the scanner's next send and claims the inviter is gone.
    let lied = false;
    proxy.tamper = (f, px) => {
      if (lied || f.dir !== 'up' || f.client !== p.scanner.clientId || f.frame.type !== 'send')
        return undefined;
      lied = true;
      px.deliver(p.scanner.clientId, {
        type: 'error',
        code: 'peer_not_found',
        message: 'no such peer',
        ref: f.frame.id,
      });
      return [];
    };
    p.b.send('swallowed');
    await new Promise((r) => setTimeout(r, 200));
    expect(lied).toBe(true);
    expect(p.b.state).toBe('open');
    expect(p.b.error).toBeUndefined();
  });

  it('before open, a forged ABORT ends the attempt as could not connect (ConnectError), not integrity', async () => {
    proxy = await TamperingProxy.start(server.url);
    const inviter = await newClient(proxy.url);
    const inv = inviter.createInvite();
    const scanner = await newClient(proxy.url, inviter.channelId);
    // The relay answers the scanner's HELLO itself with an ABORT naming an integrity reason.
    proxy.tamper = (f, px) => {
      if (f.dir !== 'up' || f.client !== scanner.clientId || f.frame.type !== 'send') return undefined;
      const sid = Buffer.from(String(f.frame.data), 'base64url').subarray(2, 18);
      px.deliver(scanner.clientId, {
        type: 'message',
        from: inviter.clientId,
        data: abortData(new Uint8Array(sid), 'bad_tag'),
      });
      return [];
    };
    const err = await scanner.acceptInvite(inv.uri).catch((e) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect(err).not.toBeInstanceOf(SignalingIntegrityError);
    expect(err.code).toBe('connect_failed');
    expect(err.reason).toBe('peer_aborted');
    expect(err.peerReason).toBe('bad_tag');
    inviter.close();
    scanner.close();
  });

  it('close() on an open session is sealed (BYE): the peer ends without an error', async () => {
    pair = await pairByInvite(server.url);
    const closed = next(pair.a, 'close');
    pair.b.close();
    expect((await closed)[0]).toBeUndefined();
    expect(pair.a.state).toBe('closed');
  });
});
