// docs/protocol.md 2.14: two contacts in different private channels reach each other through their
// rendezvous tag and open a Noise KK session; a third party that knows both public keys cannot.
import { describe, expect, it } from 'vitest';
import { x25519KeyPair } from '../../src/crypto/sodium.ts';
import { Identity } from '../../src/identity/identity.ts';
import { type ContactPeer, rendezvousTag } from '../../src/pairing/rendezvous.ts';
import type { Session } from '../../src/session/session.ts';
import { newClient, next, text } from '../support/peers.ts';
import { useLocalServer } from '../support/server.ts';

const server = useLocalServer();

const peerOf = (id: Identity): ContactPeer => ({
  staticKey: id.publicIdentity.x25519,
  identityKey: id.publicIdentity.ed25519,
});

describe('rendezvous tag', () => {
  it('is the same on both sides, differs per pair, and refuses a low-order key', async () => {
    await newClient(server.url).then((c) => c.close()); // sodium ready
    const a = x25519KeyPair();
    const b = x25519KeyPair();
    const c = x25519KeyPair();
    const ab = rendezvousTag(a, b.publicKey);
    expect(ab).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rendezvousTag(b, a.publicKey)).toBe(ab);
    expect(rendezvousTag(a, c.publicKey)).not.toBe(ab);
    expect(rendezvousTag(c, b.publicKey)).not.toBe(ab);
    expect(() => rendezvousTag(a, new Uint8Array(32))).toThrow(/low-order/);
  });
});

describe('known contacts across channels (2.14)', () => {
  it('both listen in their own channels; one connects; KK opens and sealed text crosses both ways', async () => {
    const idA = Identity.generate();
    const idB = Identity.generate();
    const a = await newClient(server.url, undefined, { identity: idA });
    const b = await newClient(server.url, undefined, { identity: idB });
    expect(a.channelId).not.toBe(b.channelId);
    await a.listenContacts([peerOf(idB)]);
    expect(a.contactOnline(peerOf(idB))).toBe(false);
    await expect(a.connectContact(peerOf(idB))).rejects.toMatchObject({ code: 'contact_offline' });
    const online = next<[ContactPeer, string]>(a, 'contact-presence');
    await b.listenContacts([peerOf(idA)]);
    expect(b.contactOnline(peerOf(idA))).toBe(true);
    const [who, state] = await online;
    expect(state).toBe('online');
    expect(who.identityKey).toEqual(idB.publicIdentity.ed25519);

    const incoming = next<[Session]>(b, 'session');
    const s = await a.connectContact(peerOf(idB));
    const [r] = await incoming;
    await r.opened;
    expect(s.safetyNumber).toBe(r.safetyNumber);
    expect(r.peerIdentityKey).toEqual(idA.publicIdentity.ed25519);
    const got = next<[Uint8Array]>(r, 'message');
    s.send('hello b');
    expect(text((await got)[0])).toBe('hello b');
    const back = next<[Uint8Array]>(s, 'message');
    r.send('hello a');
    expect(text((await back)[0])).toBe('hello a');

    const offline = next<[ContactPeer, string]>(a, 'contact-presence');
    b.close();
    expect((await offline)[1]).toBe('offline');
    expect(a.contactOnline(peerOf(idB))).toBe(false);
    a.close();
  });

  it('a third client that knows both public keys cannot see, reach or disturb them', async () => {
    const idA = Identity.generate();
    const idB = Identity.generate();
    const a = await newClient(server.url, undefined, { identity: idA });
    const b = await newClient(server.url, undefined, { identity: idB });
    await a.listenContacts([peerOf(idB)]);
    await b.listenContacts([peerOf(idA)]);
    // Eve has her own keys and both public identities; the tags she computes are other pairs' tags.
    const eve = await newClient(server.url);
    const strays: unknown[] = [];
    const refused: unknown[] = [];
    const sessions: Session[] = [];
    for (const c of [a, b]) {
      c.on('stray', (m) => strays.push(m));
      c.on('refused', (r) => refused.push(r));
      c.on('session', (x) => sessions.push(x));
    }
    await eve.listenContacts([peerOf(idA), peerOf(idB)]);
    expect(eve.contactOnline(peerOf(idA))).toBe(false);
    expect(eve.contactOnline(peerOf(idB))).toBe(false);
    await expect(eve.connectContact(peerOf(idA))).rejects.toMatchObject({ code: 'contact_offline' });
    // Even a KK attempt aimed at a's clientId (say, leaked by a malicious relay) does not get through:
    // the relay has no route, and the sealed layer would need a static private key.
    const err = await eve
      .connectKnown({ clientId: a.clientId, ...peerOf(idA) })
      .catch((e: { peerReason?: string; reason?: string }) => e);
    expect(['peer_unreachable', 'timeout']).toContain((err as { reason?: string }).reason);

    // Meanwhile a and b still talk.
    const incoming = next<[Session]>(b, 'session');
    const s = await a.connectContact(peerOf(idB));
    const [r] = await incoming;
    await r.opened;
    const got = next<[Uint8Array]>(r, 'message');
    s.send('still private');
    expect(text((await got)[0])).toBe('still private');
    expect(strays).toEqual([]);
    expect(refused).toEqual([]);
    expect(sessions).toEqual([r]); // only a's session reached b; nothing of eve's reached a or b
    for (const c of [a, b, eve]) c.close();
  });

  it('a partner whose static key is not the saved contact key is refused (KK fails, no session)', async () => {
    // Only b can hold b's tag (it needs b's private key); a contact saved with another identity key
    // (e.g. b's key changed) is refused by CONFIRM.
    const idA = Identity.generate();
    const idB = Identity.generate();
    const a = await newClient(server.url, undefined, { identity: idA });
    const b = await newClient(server.url, undefined, { identity: idB });
    const wrong = { ...peerOf(idB), identityKey: Identity.generate().publicIdentity.ed25519 };
    await a.listenContacts([wrong]);
    await b.listenContacts([peerOf(idA)]);
    const err = await a.connectContact(wrong).catch((e: { reason?: string }) => e);
    expect((err as { reason?: string }).reason).toBe('identity_mismatch');
    a.close();
    b.close();
  });
});

describe('contact requests to a keyshare-found key (path 4, Noise IK)', () => {
  it('reaches a callee that accepts requests; both sides open with the same safety number', async () => {
    const idA = Identity.generate();
    const idB = Identity.generate();
    const a = await newClient(server.url, undefined, { identity: idA });
    const b = await newClient(server.url, undefined, { identity: idB });
    // b does not know a; it listens on its inbox only once it accepts requests.
    await b.listenContacts([]);
    await a.listenContacts([peerOf(idB)]);
    await expect(a.requestContact(peerOf(idB))).rejects.toMatchObject({ code: 'contact_offline' });
    await b.listenContacts([], { acceptRequests: true });
    const incoming = next<[Session]>(b, 'session');
    const s = await a.requestContact(peerOf(idB));
    const [r] = await incoming;
    await r.opened;
    expect(r.path).toBe(4);
    expect(r.peerIdentityKey).toEqual(idA.publicIdentity.ed25519);
    expect(s.safetyNumber).toBe(r.safetyNumber);
    const got = next<[Uint8Array]>(s, 'message');
    r.send('accepted');
    expect(text((await got)[0])).toBe('accepted');
    // Once b saves a, the pair tag works both ways (path 3).
    await b.listenContacts([peerOf(idA)], { acceptRequests: true });
    expect(a.contactOnline(peerOf(idB))).toBe(true);
    a.close();
    b.close();
  });

  it('two callers on one inbox each reach the callee, never each other', async () => {
    const idB = Identity.generate();
    const b = await newClient(server.url, undefined, { identity: idB });
    await b.listenContacts([], { acceptRequests: true });
    const callers = await Promise.all([newClient(server.url), newClient(server.url)]);
    const opened: Session[] = [];
    b.on('session', (x) => void x.opened.then((o) => opened.push(o)));
    for (const c of callers) await c.listenContacts([peerOf(idB)]);
    const sessions = await Promise.all(callers.map((c) => c.requestContact(peerOf(idB))));
    expect(sessions.every((x) => x.state === 'open')).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(opened.map((o) => o.peerClientId).sort()).toEqual(callers.map((c) => c.clientId).sort());
    for (const c of [...callers, b]) c.close();
  });

  it('a request HELLO from a client that is not on the inbox is refused (unknown_peer)', async () => {
    const idB = Identity.generate();
    const b = await newClient(server.url, undefined, { identity: idB });
    await b.listenContacts([], { acceptRequests: true });
    // A channel-mate of b (not on its inbox tag) tries path 4 directly.
    const mate = await newClient(server.url, b.channelId);
    const refused = next<[string]>(b, 'refused');
    const sessions: Session[] = [];
    b.on('session', (x) => sessions.push(x));
    const { startRequest } = await import('../../src/pairing/request.ts');
    // A hand-built session on the mate's client (not tracked by it): only b's answer matters here.
    const s = startRequest(mate, { clientId: b.clientId, ...peerOf(idB) }, 'in:whatever');
    s.opened.catch(() => undefined);
    expect((await refused)[0]).toBe('unknown_peer');
    expect(sessions).toEqual([]);
    s.close();
    mate.close();
    b.close();
  });
});
