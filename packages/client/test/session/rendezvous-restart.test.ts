// docs/protocol.md 2.14 with 2.13: the relay forgets rendezvous tags with its sockets. After a relay
// restart (same port and data dir) both contacts listen again by themselves, see each other online
// again, the open KK session goes on with its counters, and a new session can be started.
import { afterEach, describe, expect, it } from 'vitest';
import { ready } from '../../src/crypto/sodium.ts';
import { Identity } from '../../src/identity/identity.ts';
import type { ContactPeer } from '../../src/pairing/rendezvous.ts';
import type { Session } from '../../src/session/session.ts';
import { newClient, next, text } from '../support/peers.ts';
import { startRestartableServer } from '../support/server.ts';

const FAST = { reconnect: { minDelayMs: 50, maxDelayMs: 400 } };
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const peerOf = (id: Identity): ContactPeer => ({
  staticKey: id.publicIdentity.x25519,
  identityKey: id.publicIdentity.ed25519,
});

describe('rendezvous across a relay restart', () => {
  it('contacts go offline, come back online by themselves, and talk on (old session and a new one)', async () => {
    const server = await startRestartableServer();
    cleanups.push(() => server.stop());
    await ready();
    const idA = Identity.generate();
    const idB = Identity.generate();
    const a = await newClient(server.url, undefined, { identity: idA, ...FAST });
    const b = await newClient(server.url, undefined, { identity: idB, ...FAST });
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    await a.listenContacts([peerOf(idB)]);
    await b.listenContacts([peerOf(idA)]);
    const incoming = next<[Session]>(b, 'session');
    const s = await a.connectContact(peerOf(idB));
    const [r] = await incoming;
    await r.opened;

    const presence: string[] = [];
    a.on('contact-presence', (_p, state) => presence.push(state));
    await server.halt();
    await server.restart();
    const deadline = Date.now() + 15_000;
    while (!(a.relayState === 'connected' && b.relayState === 'connected' && a.contactOnline(peerOf(idB))))
      if (Date.now() > deadline) throw new Error(`not back online (presence ${presence})`);
      else await new Promise((res) => setTimeout(res, 50));
    expect(b.contactOnline(peerOf(idA))).toBe(true);

    // The open session continues through the rendezvous route, both ways.
    const got = next<[Uint8Array]>(r, 'message');
    s.send('after the restart');
    expect(text((await got)[0])).toBe('after the restart');
    const back = next<[Uint8Array]>(s, 'message');
    r.send('still here');
    expect(text((await back)[0])).toBe('still here');
    // And a fresh session can be started.
    const again = next<[Session]>(b, 'session');
    const s2 = await a.connectContact(peerOf(idB));
    const [r2] = await again;
    await r2.opened;
    expect(s2.safetyNumber).toBe(r2.safetyNumber);
  });
});
