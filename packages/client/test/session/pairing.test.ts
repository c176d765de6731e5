// The three pairing paths against a real @sealpeer/server: both sides end up with open sessions, equal
// safety numbers, and sealed messages both ways.
import { describe, expect, it, vi } from 'vitest';
import { ConnectError } from '../../src/errors/integrity.ts';
import { Identity } from '../../src/identity/identity.ts';
import { inviteUri, parseInviteUri } from '../../src/invite/payload.ts';
import { newClient, next, pairByInvite, text } from '../support/peers.ts';
import { useLocalServer } from '../support/server.ts';

const server = useLocalServer();

describe('QR invite (Noise IKpsk2)', () => {
  it('pairs, agrees on the safety number and exchanges sealed messages', async () => {
    const p = await pairByInvite(server.url);
    expect(p.a.state).toBe('open');
    expect(p.b.state).toBe('open');
    expect(p.a.safetyNumber).toMatch(/^\d{60}$/);
    expect(p.a.safetyNumber).toBe(p.b.safetyNumber);
    const got = next<[Uint8Array]>(p.a, 'message');
    p.b.send('hello inviter');
    expect(text((await got)[0])).toBe('hello inviter');
    const got2 = next<[Uint8Array]>(p.b, 'message');
    p.a.send(new Uint8Array([1, 2, 3]));
    expect([...(await got2)[0]]).toEqual([1, 2, 3]);
    p.close();
  });

  it('the inviter learns the scanner identity and the scanner checks the invite identity', async () => {
    const p = await pairByInvite(server.url);
    expect(p.a.peerIdentityKey).toEqual(p.scanner.local.publicIdentity.ed25519);
    expect(p.b.peerIdentityKey).toEqual(p.inviter.local.publicIdentity.ed25519);
    expect(p.a.peerStaticKey).toEqual(p.scanner.local.publicIdentity.x25519);
    p.close();
  });

  it('refuses a second use of the same invite: could not connect, never an integrity verdict', async () => {
    const inviter = await newClient(server.url);
    const inv = inviter.createInvite();
    const s1 = await newClient(server.url, inviter.channelId);
    const s2 = await newClient(server.url, inviter.channelId);
    await Promise.all([inv.session, s1.acceptInvite(inv.uri)]);
    const refused = next(inviter, 'refused');
    const err = await s2.acceptInvite(inv.uri).catch((e) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect(err.code).toBe('connect_failed');
    expect(err.reason).toBe('peer_aborted');
    expect(err.peerReason).toBe('invite_used');
    expect(err.message).toMatch(/ask for a new one/);
    expect((await refused)[0]).toBe('invite_used');
    for (const c of [inviter, s1, s2]) c.close();
  });

  it('an expired invite is refused by the inviter', async () => {
    const inviter = await newClient(server.url);
    const inv = inviter.createInvite({ ttlMs: 1500 });
    const scanner = await newClient(server.url, inviter.channelId);
    const uri = inv.uri;
    await new Promise((r) => setTimeout(r, 1600));
    await expect(inv.session).rejects.toMatchObject({ code: 'invite_expired' });
    // The parser already refuses it locally:
    expect(() => scanner.acceptInvite(uri)).toThrow(expect.objectContaining({ code: 'invite_expired' }));
    inviter.close();
    scanner.close();
  });
});

describe('QR invite: refusals', () => {
  it("an invite whose identity key is not the inviter's → identity_mismatch (scanner)", async () => {
    const inviter = await newClient(server.url);
    const inv = inviter.createInvite();
    const scanner = await newClient(server.url, inviter.channelId);
    const forged = inviteUri(server.url, {
      ...parseInviteUri(inv.uri),
      identityKey: Identity.generate().publicIdentity.ed25519,
    });
    const err = await scanner.acceptInvite(forged).catch((e) => e);
    expect(err.reason).toBe('identity_mismatch');
    // The inviter opened its side (the scanner's CONFIRM was valid); the scanner's sealed ABORT ends it,
    // with the scanner's authenticated reason.
    const a = await inv.session;
    await vi.waitFor(() => expect(a.error?.reason).toBe('peer_alarm'));
    expect(a.error?.peerReason).toBe('identity_mismatch');
    expect(a.state).toBe('failed');
    inviter.close();
    scanner.close();
  });

  it('an inviter that left the channel → peer_unreachable, at once', async () => {
    const inviter = await newClient(server.url);
    const inv = inviter.createInvite();
    const scanner = await newClient(server.url, inviter.channelId, { handshakeTimeoutMs: 20_000 });
    inviter.close();
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    const err = await scanner.acceptInvite(inv.uri).catch((e) => e);
    expect(err).toBeInstanceOf(ConnectError); // before open: could not connect (2.7), no alarm
    expect(err.reason).toBe('peer_unreachable');
    expect(Date.now() - t0).toBeLessThan(10_000);
    scanner.close();
  });

  it('refuses to send before the peer confirmed, and messages over the largest bucket', async () => {
    const p = await pairByInvite(server.url);
    expect(() => p.a.send(new Uint8Array(32_767))).toThrow(
      expect.objectContaining({ code: 'message_too_large' }),
    );
    expect(() => p.a.send(42 as never)).toThrow(expect.objectContaining({ code: 'bad_argument' }));
    p.a.send(new Uint8Array(32_766));
    const got = await next<[Uint8Array]>(p.b, 'message');
    expect(got[0]).toHaveLength(32_766);
    p.close();
  });
});

describe('short code (CPace + Noise XXpsk3)', () => {
  it('pairs with the right code', async () => {
    const shower = await newClient(server.url);
    const joiner = await newClient(server.url, shower.channelId);
    const shown = shower.showCode();
    expect(shown.code).toMatch(/^\d{3}-\d{6}$/);
    const [a, b] = await Promise.all([shown.session, joiner.joinWithCode(shown.code)]);
    expect(a.safetyNumber).toBe(b.safetyNumber);
    const got = next<[Uint8Array]>(a, 'message');
    b.send('via code');
    expect(text((await got)[0])).toBe('via code');
    shower.close();
    joiner.close();
  });

  it('a wrong code: the joiner could not connect (no alarm), the shower counts one try, the code survives', async () => {
    const shower = await newClient(server.url);
    const joiner = await newClient(server.url, shower.channelId);
    const shown = shower.showCode();
    const [np, digits] = shown.code.split('-') as [string, string];
    const wrong = `${np}-${String((Number(digits) + 1) % 1_000_000).padStart(6, '0')}`;
    const joinerErr = await joiner.joinWithCode(wrong).catch((e) => e);
    expect(joinerErr).toBeInstanceOf(ConnectError);
    expect(joinerErr.reason).toBe('wrong_code');
    // The wrong try spent only itself: another device with the right code pairs.
    const late = await newClient(server.url, shower.channelId);
    const [s, t] = await Promise.all([shown.session, late.joinWithCode(shown.code)]);
    expect(s.safetyNumber).toBe(t.safetyNumber);
    for (const c of [shower, joiner, late]) c.close();
  });
});

describe('known contact (Noise KK)', () => {
  it('pairs two devices that know each other, with fresh ephemerals per session', async () => {
    const idA = Identity.generate();
    const idB = Identity.generate();
    const a = await newClient(server.url, undefined, { identity: idA });
    const b = await newClient(server.url, a.channelId, { identity: idB });
    b.acceptKnown([{ staticKey: idA.publicIdentity.x25519, identityKey: idA.publicIdentity.ed25519 }]);
    const contact = {
      clientId: b.clientId,
      staticKey: idB.publicIdentity.x25519,
      identityKey: idB.publicIdentity.ed25519,
    };
    const incoming = next<[import('../../src/session/session.ts').Session]>(b, 'session');
    const s1 = await a.connectKnown(contact);
    const [r1] = await incoming;
    await r1.opened;
    expect(s1.safetyNumber).toBe(r1.safetyNumber);
    const s2 = await a.connectKnown(contact);
    expect(s2.id).not.toBe(s1.id);
    const got = next<[Uint8Array]>(r1, 'message');
    s1.send('kk');
    expect(text((await got)[0])).toBe('kk');
    a.close();
    b.close();
  });

  it('a device that is not a contact is refused (unknown_peer)', async () => {
    const a = await newClient(server.url);
    const b = await newClient(server.url, a.channelId);
    b.acceptKnown([]);
    const idB = b.local.publicIdentity;
    const err = await a
      .connectKnown({ clientId: b.clientId, staticKey: idB.x25519, identityKey: idB.ed25519 })
      .catch((e) => e);
    expect(err.peerReason).toBe('unknown_peer');
    a.close();
    b.close();
  });
});
