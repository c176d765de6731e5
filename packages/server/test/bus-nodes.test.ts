// Several relay nodes (in-process servers, each on its own port) sharing one private PostgreSQL store
// and one private Redis bus (test-support/redis.ts): sends and publishes cross nodes, presence and
// `peers` span nodes, a login on another node punts the first, the channel cap and the creation limits
// hold across nodes, and a Redis restart loses no presence. Raw protocol frames; the sealed-session
// version of the same is packages/client/test/relay/cluster.test.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresInstance, startPostgres } from '../../../test-support/postgres.ts';
import { type RedisInstance, startRedis } from '../../../test-support/redis.ts';
import type { StartOptions } from '../src/index.ts';
import {
  type Client,
  createChannel,
  credential,
  http,
  type Loose,
  login,
  start,
  type TestServer,
} from './helpers.ts';

let pg: PostgresInstance;
let redis: RedisInstance;
const servers: TestServer[] = [];
const clients: Client[] = [];
beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.stop();
});
afterAll(async () => {
  await redis?.stop();
  await pg?.stop();
});

/** `n` nodes on a fresh database and the file's Redis. */
async function cluster(n: number, opts: StartOptions = {}): Promise<TestServer[]> {
  const store = await pg.createDatabase();
  const nodes: TestServer[] = [];
  for (let i = 0; i < n; i++) nodes.push(await node(store, opts));
  return nodes;
}

/** One more node on `store` and the file's Redis. */
async function node(store: string, opts: StartOptions = {}): Promise<TestServer> {
  const s = await start({ store, bus: redis.url, busHeartbeatMs: 200, adminPort: -1, ...opts });
  servers.push(s);
  return s;
}

/** Two nodes, a channel, and one logged-in client on each (a on n1, b on n2). */
async function twoNodesOneEach() {
  const [n1, n2] = await cluster(2);
  const ch = await createChannel(n1!);
  const ca = await credential(n1!, ch);
  const cb = await credential(n2!, ch);
  return { n1: n1!, n2: n2!, ch, ca, cb, a: await on(n1!, ca), b: await on(n2!, cb) };
}

async function on(s: TestServer, cred: Parameters<typeof login>[1]): Promise<Client> {
  const c = await login(s, cred);
  clients.push(c);
  return c;
}

/** The next frame that is not a presence event (presence from other nodes arrives on its own time). */
async function nextNotPresence(c: Client): Promise<Loose> {
  for (;;) {
    const f = await c.next();
    if (f.type !== 'presence') return f;
  }
}

/**
 * The next frame of `type`, skipping presence events and peer_not_found answers, which a bus outage may
 * cause (every frame stays in `raw`).
 */
async function nextOf(
  c: Client,
  type: string,
  ms = 3000,
  alsoSkip: (f: Loose) => boolean = () => false,
): Promise<Loose> {
  for (;;) {
    const f = await c.next(ms);
    if (f.type === type) return f;
    expect(
      f.type === 'presence' || (f.type === 'error' && f.code === 'peer_not_found') || alsoSkip(f),
      JSON.stringify(f),
    ).toBe(true);
  }
}

/** The next frame must be this presence event (it may take a bus hop to come). */
async function expectPresence(
  c: Client,
  event: 'join' | 'leave',
  clientId: string,
  ms = 5000,
): Promise<void> {
  expect(await c.next(ms)).toEqual({ type: 'presence', event, clientId });
}

describe('relay nodes on one Redis bus and one PostgreSQL store', () => {
  it('routes send across nodes both ways; an id online nowhere is peer_not_found on every node', async () => {
    const [n1, n2, n3] = await cluster(3);
    const ch = await createChannel(n1!);
    const ca = await credential(n1!, ch);
    const cb = await credential(n2!, ch);
    const a = await on(n1!, ca);
    const b = await on(n2!, cb);
    a.send({ type: 'send', to: cb.clientId, data: 'to-b' });
    expect(await b.next()).toEqual({ type: 'message', from: ca.clientId, data: 'to-b' });
    // Non-canonical layout (an id, another key order) takes the general path on the way over too.
    b.send(`{"data":"to-a \\"quoted\\"","to":"${ca.clientId}","type":"send","id":"x"}`);
    expect(await a.next()).toEqual({ type: 'message', from: cb.clientId, data: 'to-a "quoted"' });
    for (let i = 0; i < 20; i++) a.send({ type: 'send', to: cb.clientId, data: `n${i}` });
    for (let i = 0; i < 20; i++) expect((await b.next()).data).toBe(`n${i}`);
    const routed = await n1!.metrics.registry.getSingleMetricAsString('sealpeer_bus_routed_total');
    expect(routed).toContain('sealpeer_bus_routed_total{kind="send"} 21');
    expect(await n1!.metrics.registry.getSingleMetricAsString('sealpeer_bus_up')).toMatch(
      /sealpeer_bus_up 1$/m,
    );
    // Unknown everywhere, and a client of another channel online on a third node: the same answer.
    const other = await createChannel(n3!);
    const co = await credential(n3!, other);
    await on(n3!, co);
    for (const to of ['00000000-0000-4000-8000-000000000000', co.clientId]) {
      a.send({ type: 'send', to, data: 'x', id: 'q' });
      expect(await a.next()).toMatchObject({ type: 'error', code: 'peer_not_found', ref: 'q' });
    }
    await b.nothing(200);
    // After b leaves, a send to it is peer_not_found once the bus has told n1.
    b.close();
    await b.closed;
    let answer: Loose;
    for (let i = 0; i < 50 && answer === undefined; i++) {
      a.send({ type: 'send', to: cb.clientId, data: 'gone?', id: 'g' });
      answer = await a.next(100).catch(() => undefined);
    }
    expect(answer).toMatchObject({ type: 'error', code: 'peer_not_found', ref: 'g' });
  });

  it('publish reaches the subscribers on every node; peers and presence span nodes', async () => {
    const nodes = await cluster(3);
    const ch = await createChannel(nodes[0]!);
    const creds = await Promise.all(nodes.map((n) => credential(n, ch)));
    const cs: Client[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await on(nodes[i]!, creds[i]!);
      c.send({ type: 'subscribe' });
      const peers = await c.next();
      expect(peers.type).toBe('peers');
      expect([...peers.peers].sort()).toEqual(
        creds
          .slice(0, i)
          .map((x) => x.clientId)
          .sort(),
      );
      for (const earlier of cs) await expectPresence(earlier, 'join', creds[i]!.clientId);
      cs.push(c);
    }
    cs[1]!.send({ type: 'publish', data: 'hello all' });
    for (const i of [0, 2])
      expect(await cs[i]!.next()).toEqual({ type: 'publish', from: creds[1]!.clientId, data: 'hello all' });
    await cs[1]!.nothing(200);
    // A subscriber of another channel on the same nodes hears nothing.
    const other = await createChannel(nodes[2]!);
    const stranger = await on(nodes[2]!, await credential(nodes[2]!, other));
    stranger.send({ type: 'subscribe' });
    expect(await stranger.next()).toEqual({ type: 'peers', peers: [] });
    cs[0]!.send({ type: 'publish', data: 'members only' });
    expect((await cs[1]!.next()).data).toBe('members only');
    expect((await cs[2]!.next()).data).toBe('members only');
    await stranger.nothing(200);
    // Leaving on one node is seen on the others.
    cs[2]!.close();
    await expectPresence(cs[0]!, 'leave', creds[2]!.clientId);
    await expectPresence(cs[1]!, 'leave', creds[2]!.clientId);
    // GET /api/channels/:id counts the clients online on every node.
    const got = await http(nodes[2]!.url, 'GET', `/api/channels/${ch}`);
    expect(got.body.peers).toBe(2);
  });

  it('a login on another node punts the first socket (4409); the others see leave, then join', async () => {
    const [n1, n2] = await cluster(2);
    const ch = await createChannel(n1!);
    const watcherCred = await credential(n1!, ch);
    const watcher = await on(n1!, watcherCred);
    watcher.send({ type: 'subscribe' });
    await watcher.next();
    const cred = await credential(n1!, ch);
    const first = await on(n1!, cred);
    first.send({ type: 'subscribe' });
    await first.next();
    await expectPresence(watcher, 'join', cred.clientId);
    const second = await on(n2!, cred);
    expect(await nextNotPresence(first)).toEqual({ type: 'punt' });
    expect((await first.closed).code).toBe(4409);
    await expectPresence(watcher, 'leave', cred.clientId);
    second.send({ type: 'subscribe' });
    expect(await second.next()).toEqual({ type: 'peers', peers: [watcherCred.clientId] });
    await expectPresence(watcher, 'join', cred.clientId);
    // Messages now go to the new socket, on the other node.
    watcher.send({ type: 'send', to: cred.clientId, data: 'still you?' });
    expect(await second.next()).toEqual({ type: 'message', from: watcherCred.clientId, data: 'still you?' });
    // And punting back the other way works the same.
    const third = await on(n1!, cred);
    expect(await nextNotPresence(second)).toEqual({ type: 'punt' });
    expect((await second.closed).code).toBe(4409);
    watcher.send({ type: 'send', to: cred.clientId, data: 'local again' });
    expect(await nextNotPresence(third)).toEqual({
      type: 'message',
      from: watcherCred.clientId,
      data: 'local again',
    });
  });

  it('holds the channel cap and the per-IP creation limit across nodes', async () => {
    // A fixed clock in the middle of a minute: the shared window cannot roll over during the test.
    const t = (Math.floor(Date.now() / 60_000) + 5) * 60_000 + 30_000;
    const [n1, n2] = await cluster(2, {
      now: () => t,
      limits: { maxClientsPerChannel: 3, credentialsPerMinute: 100, channelsPerMinute: 3 },
    });
    const ch = await createChannel(n1!);
    const asked = await Promise.all(
      [n1, n2, n1, n2, n1, n2].map((n) =>
        http(n!.url, 'POST', `/api/channels/${ch}/sessions`, { sessionId: crypto.randomUUID() }),
      ),
    );
    expect(asked.map((r) => r.status).sort()).toEqual([200, 200, 200, 409, 409, 409]);
    expect(asked.filter((r) => r.status === 409).every((r) => r.body.error.code === 'channel_full')).toBe(
      true,
    );
    expect(asked.filter((r) => r.status === 409)).toHaveLength(3);
    // Channel creations: 3 per minute per IP in all, whichever node is asked (one was made above).
    const made = [];
    for (const n of [n2, n1, n2, n1])
      made.push(await http(n!.url, 'POST', '/api/channels', { public: false }));
    expect(made.map((r) => r.status)).toEqual([201, 201, 429, 429]);
    expect(made[2]!.body.error.code).toBe('rate_limited');
    expect(Number(made[2]!.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('rebuilds presence after a Redis restart: routing goes on, a node started after it sees everyone', async () => {
    const { n1, ch, ca, cb, a, b } = await twoNodesOneEach();
    a.send({ type: 'subscribe' });
    await a.next();
    b.send({ type: 'subscribe' });
    await b.next();
    await expectPresence(a, 'join', cb.clientId);
    await redis.restart();
    // The sockets stay open; sends and publishes cross nodes again once the bus is back. A send that
    // found no listener on the other node meanwhile was answered peer_not_found (never silently lost),
    // and b may have been reported gone and back (leave, then join).
    let got: Loose;
    for (let i = 0; i < 100 && got === undefined; i++) {
      a.send({ type: 'send', to: cb.clientId, data: `after-${i}` });
      try {
        got = await nextOf(b, 'message', 100);
      } catch (e) {
        if (!/timed out/.test((e as Error).message)) throw e; // else: not reconnected yet
      }
    }
    expect(got).toMatchObject({ type: 'message', from: ca.clientId });
    // Redis lost everything; a third node, started now, learns both members from what the nodes wrote back.
    const n3 = await node(n1.config.store);
    const cc = await credential(n3, ch);
    const c = await on(n3, cc);
    c.send({ type: 'subscribe' });
    const peers = await c.next();
    expect([...peers.peers].sort()).toEqual([ca.clientId, cb.clientId].sort());
    c.send({ type: 'publish', data: 'from the new node' });
    expect(await nextOf(a, 'publish')).toMatchObject({ data: 'from the new node' });
    // A retry above that timed out may still arrive late (delayed, not lost): b skips those.
    const lateRetry = (f: Loose) => f.type === 'message' && /^after-\d+$/.test(String(f.data));
    expect(await nextOf(b, 'publish', 3000, lateRetry)).toMatchObject({ data: 'from the new node' });
    // Whatever a was told about b during the outage, the last word is that b is there.
    const told = a.raw
      .map((r) => JSON.parse(r))
      .filter((f) => f.type === 'presence' && f.clientId === cb.clientId);
    if (told.length > 0) expect(told.at(-1)?.event).toBe('join');
    expect(n1.logs.some((l) => l.event === 'bus_reconnected')).toBe(true);
  });

  it('ignores malformed bus payloads: nothing delivered, nodes keep routing', async () => {
    const { ch, ca, cb, a, b } = await twoNodesOneEach();
    b.send({ type: 'subscribe' });
    await b.next();
    const { Redis } = await import('ioredis');
    const r = new Redis(redis.url);
    try {
      const topics = [`sp:c:${ch}`];
      for (const t of topics)
        for (const p of [
          '',
          'x',
          'p',
          'p\n',
          'o\nnode\nclient\nnot-a-number',
          's\nch',
          'j\n',
          '\n\n\n',
          'f\nn',
        ])
          await r.publish(t, p);
      await r.publish('sp:n:not-a-node', 's\nx\ny\nz');
    } finally {
      r.disconnect();
    }
    await b.nothing(200);
    a.send({ type: 'send', to: cb.clientId, data: 'still fine' });
    expect(await b.next()).toEqual({ type: 'message', from: ca.clientId, data: 'still fine' });
  });
});
