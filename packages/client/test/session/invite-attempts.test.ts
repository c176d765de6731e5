// Invites burn only on proof (docs/protocol.md Part 2, 2.7): the invite is marked used when the scanner's
// CONFIRM verifies, never on HELLO. The relay sees the inviteId in clear and can forge or replay a HELLO;
// such an attempt cannot finish, spends nothing, and raises no alarm.
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from '../../src/crypto/sodium.ts';
import { dataToFrame, FrameType, frameToData } from '../../src/envelope/frame.ts';
import { ConnectError } from '../../src/errors/integrity.ts';
import { newClient, next } from '../support/peers.ts';
import { TamperingProxy } from '../support/proxy.ts';
import { useLocalServer } from '../support/server.ts';

const server = useLocalServer();
let proxy: TamperingProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

describe('invite attempts', () => {
  it('a forged HELLO (the real one copied onto another sid) cannot burn the invite', async () => {
    proxy = await TamperingProxy.start(server.url);
    const px = proxy;
    const inviter = await newClient(px.url);
    const inv = inviter.createInvite();
    const scanner = await newClient(px.url, inviter.channelId);
    let forged = false;
    px.tamper = (f) => {
      if (forged || f.dir !== 'down' || f.client !== inviter.clientId || f.frame.type !== 'message')
        return undefined;
      const fr = dataToFrame(String(f.frame.data));
      if (fr.type !== FrameType.HELLO) return undefined;
      forged = true;
      // First a forgery of the relay's own (same inviteId, fresh sid), then the real HELLO.
      return [{ ...f.frame, data: frameToData({ ...fr, sid: randomBytes(16) }) }, f.frame];
    };
    const refused = next(inviter, 'refused');
    const [a, b] = await Promise.all([inv.session, scanner.acceptInvite(inv.uri)]);
    expect(forged).toBe(true);
    expect(a.safetyNumber).toBe(b.safetyNumber);
    expect((await refused)[0]).toBe('handshake_failed'); // the forged attempt, reported, not an alarm
    inviter.close();
    scanner.close();
  });

  it('a HELLO from a stranger who knows the inviteId (but not the psk) spends nothing', async () => {
    proxy = await TamperingProxy.start(server.url);
    const px = proxy;
    const inviter = await newClient(px.url, undefined, { handshakeTimeoutMs: 600 });
    const inv = inviter.createInvite();
    const stranger = await newClient(px.url, inviter.channelId);
    const scanner = await newClient(px.url, inviter.channelId, { handshakeTimeoutMs: 800 });
    // The relay hands the scanner's HELLO to the stranger's session instead: the stranger's attempt
    // gets the inviter's answer but can never send a valid CONFIRM (it lacks the psk).
    let held: Record<string, unknown> | undefined;
    px.tamper = (f) => {
      if (held || f.dir !== 'down' || f.client !== inviter.clientId || f.frame.type !== 'message')
        return undefined;
      held = f.frame;
      return [{ ...f.frame, from: stranger.clientId }];
    };
    const first = await scanner.acceptInvite(inv.uri).catch((e) => e);
    expect(first).toBeInstanceOf(ConnectError); // timeout: the inviter answered someone else
    const [a, b] = await Promise.all([inv.session, scanner.acceptInvite(inv.uri)]);
    expect(a.safetyNumber).toBe(b.safetyNumber);
    for (const c of [inviter, stranger, scanner]) c.close();
  });
});
