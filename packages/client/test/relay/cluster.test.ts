// Sealed sessions over a relay cluster (issue #17, items 4 and 5): real `sealpeer-server` processes
// sharing one private PostgreSQL store and one private Redis bus. Clients on different nodes pair by QR
// invite and exchange sealed messages; a node killed with SIGKILL mid-session: its client reconnects
// through the load balancer (test-support/balancer.ts, first backend that accepts) to another node, and
// the sealed session carries on — counters continue, nothing replayed, nothing lost, no integrity alarm.
// Saved contacts on different nodes meet through their rendezvous tag (protocol 1.8 "Several nodes",
// 2.14) and open a Noise KK session.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBalancer } from '../../../../test-support/balancer.ts';
import { type PostgresInstance, startPostgres } from '../../../../test-support/postgres.ts';
import { type RedisInstance, startRedis } from '../../../../test-support/redis.ts';
import { type RelayNode, startRelayNode } from '../../../../test-support/relay-node.ts';
import type { SealpeerClient } from '../../src/client.ts';
import { ready } from '../../src/crypto/sodium.ts';
import { Identity } from '../../src/identity/identity.ts';
import type { ContactPeer } from '../../src/pairing/rendezvous.ts';
import type { RelayState } from '../../src/relay/link.ts';
import type { Session } from '../../src/session/session.ts';
import { inbox } from '../support/inbox.ts';
import { newClient, next } from '../support/peers.ts';

const FAST = { reconnect: { minDelayMs: 50, maxDelayMs: 400 } };

let pg: PostgresInstance;
let redis: RedisInstance;
const cleanups: Array<() => unknown> = [];
beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await redis?.stop();
  await pg?.stop();
});

/** `n` node processes on a fresh database and the file's Redis. */
async function nodes(n: number): Promise<RelayNode[]> {
  const store = await pg.createDatabase();
  const args = ['--store', store, '--bus', redis.url, '--bus-heartbeat', '200ms'];
  const started = await Promise.all(Array.from({ length: n }, () => startRelayNode(args)));
  for (const s of started) cleanups.push(() => s.kill());
  return started;
}

function reach(c: SealpeerClient, s: RelayState, ms = 15_000): Promise<void> {
  if (c.relayState === s) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${s} within ${ms} ms`)), ms);
    const off = c.on('relay-state', (now) => {
      if (now !== s) return;
      clearTimeout(t);
      off();
      resolve();
    });
  });
}

/** Inviter on one URL, scanner on another: pair by the QR invite's URI. */
async function pairAcross(inviterUrl: string, scannerUrl: string) {
  const inviter = await newClient(inviterUrl, undefined, FAST);
  const inv = inviter.createInvite();
  const scanner = await newClient(scannerUrl, inviter.channelId, FAST);
  const [a, b] = await Promise.all([inv.session, scanner.acceptInvite(inv.uri)]);
  cleanups.push(
    () => inviter.close(),
    () => scanner.close(),
  );
  return { inviter, scanner, a, b };
}

describe('sealed sessions across relay nodes (Redis bus, PostgreSQL store)', () => {
  it('clients on different nodes pair by QR invite and exchange sealed messages; a third node relays for a third pair', async () => {
    const [n1, n2, n3] = await nodes(3);
    const { a, b } = await pairAcross(n1!.url, n2!.url);
    const [ia, ib] = [inbox(a), inbox(b)];
    for (let i = 0; i < 10; i++) a.send(`a→b ${i}`);
    b.send('b→a');
    expect(await ib.until(10)).toEqual(Array.from({ length: 10 }, (_, i) => `a→b ${i}`));
    expect(await ia.until(1)).toEqual(['b→a']);
    // A pair split over the other two nodes, at the same time.
    const other = await pairAcross(n3!.url, n1!.url);
    const io = inbox(other.b);
    other.a.send('n3→n1');
    expect(await io.until(1)).toEqual(['n3→n1']);
    expect([...ia.errors, ...ib.errors, ...io.errors]).toEqual([]);
  });

  it('kill -9 of a node mid-session: its client reconnects to another node and the session continues', async () => {
    const [n1, n2, n3] = await nodes(3);
    // Client A reaches the cluster through a balancer that prefers n1, then n2; client B one that prefers n3.
    const lbA = await startBalancer([n1!.url, n2!.url]);
    const lbB = await startBalancer([n3!.url, n2!.url]);
    cleanups.push(
      () => lbA.close(),
      () => lbB.close(),
    );
    const { inviter, a, b } = await pairAcross(lbA.url, lbB.url);
    expect(new Set(lbA.routed)).toEqual(new Set([n1!.url]));
    expect(new Set(lbB.routed)).toEqual(new Set([n3!.url]));
    const [ia, ib] = [inbox(a), inbox(b)];
    a.send('before a');
    b.send('before b');
    expect(await ib.until(1)).toEqual(['before a']);
    expect(await ia.until(1)).toEqual(['before b']);

    const lost = reach(inviter, 'reconnecting');
    await n1!.kill();
    await lost;
    // B keeps talking while A's node is gone; A writes while it is reconnecting.
    for (let i = 0; i < 5; i++) b.send(`during b ${i}`);
    a.send('during a');
    await reach(inviter, 'connected');
    expect(lbA.routed.at(-1)).toBe(n2!.url);
    a.send('after a');
    b.send('after b');
    expect(await ib.until(3)).toEqual(['before a', 'during a', 'after a']);
    expect(await ia.until(7)).toEqual([
      'before b',
      ...Array.from({ length: 5 }, (_, i) => `during b ${i}`),
      'after b',
    ]);
    expect(a.state).toBe('open');
    expect(b.state).toBe('open');
    expect([...ia.errors, ...ib.errors]).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(ia.got).toHaveLength(7);
    expect(ib.got).toHaveLength(3);
  });

  it('saved contacts on different nodes meet through their rendezvous tag and talk over Noise KK both ways', async () => {
    const [n1, n2] = await nodes(2);
    await ready();
    const idA = Identity.generate();
    const idB = Identity.generate();
    const peerOf = (id: Identity): ContactPeer => ({
      staticKey: id.publicIdentity.x25519,
      identityKey: id.publicIdentity.ed25519,
    });
    const a = await newClient(n1!.url, undefined, { identity: idA, ...FAST });
    const b = await newClient(n2!.url, undefined, { identity: idB, ...FAST });
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    expect(a.channelId).not.toBe(b.channelId);
    await a.listenContacts([peerOf(idB)]);
    expect(a.contactOnline(peerOf(idB))).toBe(false);
    const online = next<[ContactPeer, string]>(a, 'contact-presence');
    await b.listenContacts([peerOf(idA)]);
    expect(b.contactOnline(peerOf(idA))).toBe(true);
    expect((await online)[1]).toBe('online');

    const incoming = next<[Session]>(b, 'session');
    const s = await a.connectContact(peerOf(idB));
    const [r] = await incoming;
    await r.opened;
    expect(s.safetyNumber).toBe(r.safetyNumber);
    expect(r.peerIdentityKey).toEqual(idA.publicIdentity.ed25519);
    const [ia, ib] = [inbox(s), inbox(r)];
    for (let i = 0; i < 5; i++) s.send(`a→b ${i}`);
    for (let i = 0; i < 5; i++) r.send(`b→a ${i}`);
    expect(await ib.until(5)).toEqual(Array.from({ length: 5 }, (_, i) => `a→b ${i}`));
    expect(await ia.until(5)).toEqual(Array.from({ length: 5 }, (_, i) => `b→a ${i}`));
    expect([...ia.errors, ...ib.errors]).toEqual([]);

    // b's socket ends: a, on the other node, sees the contact go offline.
    const offline = next<[ContactPeer, string]>(a, 'contact-presence');
    b.close();
    expect((await offline)[1]).toBe('offline');
    expect(a.contactOnline(peerOf(idB))).toBe(false);
  });
});
