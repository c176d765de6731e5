// The `checking` state (docs/protocol.md 2.6, 2.7, 2.8): after the peer's CONFIRM verified and before the
// session opens, the peer is proven — a forged (unauthenticated) ABORT does not end the session — and a
// failure of the proven attempt spends the invite or code and rejects its promise (not a `refused` try).
import { afterEach, describe, expect, it } from 'vitest';
import type { SealpeerClient } from '../../src/client.ts';
import { FrameType, frameToData } from '../../src/envelope/frame.ts';
import { reasonToByte } from '../../src/errors/integrity.ts';
import { newClient, next } from '../support/peers.ts';
import { TamperingProxy } from '../support/proxy.ts';
import { useLocalServer } from '../support/server.ts';

const server = useLocalServer();
let proxy: TamperingProxy | undefined;
const clients: SealpeerClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await proxy?.close();
  proxy = undefined;
});

describe('checking', () => {
  it('a forged ABORT while checking is dropped and counted; the session opens once the check is done', async () => {
    proxy = await TamperingProxy.start(server.url);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const inviter = await newClient(proxy.url, undefined, { verifyPeerCheckpoints: () => gate });
    const scanner = await newClient(proxy.url, inviter.channelId);
    clients.push(inviter, scanner);
    const inv = inviter.createInvite();
    await scanner.acceptInvite(inv.uri);
    const a = inviter.sessions()[0]!;
    for (let i = 0; i < 50 && a.state !== 'checking'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(a.state).toBe('checking');
    const stray = next(inviter, 'stray');
    proxy.deliver(inviter.clientId, {
      type: 'message',
      from: scanner.clientId,
      data: frameToData({
        type: FrameType.ABORT,
        sid: a.sid,
        counter: 0n,
        body: new Uint8Array([reasonToByte('bad_tag')]),
      }),
    });
    const [, reason, detail] = await stray;
    expect(reason).toBe('unexpected_type');
    expect(detail).toMatch(/unauthenticated ABORT in state checking/);
    expect(a.state).toBe('checking');
    release();
    expect(await inv.session).toBe(a);
    expect(a.state).toBe('open');
  });

  it('short code: a split view the shower finds after the joiner CONFIRM verified spends the code and rejects showCode().session', async () => {
    const splitView = Object.assign(new Error('split view'), { code: 'split_view' });
    const shower = await newClient(server.url, undefined, {
      verifyPeerCheckpoints: async () => {
        throw splitView;
      },
    });
    const joiner = await newClient(server.url, shower.channelId, { checkpoint: () => 'forked checkpoint' });
    clients.push(shower, joiner);
    const refused: string[] = [];
    shower.on('refused', (r) => refused.push(r));
    const shown = shower.showCode();
    const [s, j] = await Promise.allSettled([shown.session, joiner.joinWithCode(shown.code)]);
    expect(s.status).toBe('rejected');
    expect((s as PromiseRejectedResult).reason).toMatchObject({
      kind: 'integrity',
      reason: 'checkpoint_rejected',
      cause: splitView,
    });
    expect(refused).toEqual([]);
    // The joiner had nothing to check: it opened, then the shower's sealed ABORT is a peer_alarm.
    expect(j.status).toBe('fulfilled');
    const js = (j as PromiseFulfilledResult<Awaited<ReturnType<SealpeerClient['joinWithCode']>>>).value;
    if (js.state !== 'failed') await next(js, 'integrity-error');
    expect(js.error).toMatchObject({
      kind: 'integrity',
      reason: 'peer_alarm',
      peerReason: 'checkpoint_rejected',
    });
    // The code is spent: a later joiner with the same code gets no answer (its PAKE1 is for no code any
    // more: dropped by the shower) and could not connect.
    const late = await newClient(server.url, shower.channelId, { handshakeTimeoutMs: 1500 });
    clients.push(late);
    const dropped = next(shower, 'stray');
    await expect(late.joinWithCode(shown.code)).rejects.toMatchObject({ kind: 'connect', reason: 'timeout' });
    expect((await dropped)[2]).toMatch(/PAKE1 for another nameplate/);
  });
});
