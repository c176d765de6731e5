// docs/protocol.md 1.8 "Several nodes": rendezvous tags routed over the Redis bus. Relay nodes share one
// private PostgreSQL store and one private Redis (test-support/redis.ts); raw protocol frames. Contacts
// on different nodes meet, the listener cap holds over all nodes (also against one client spreading
// itself over them), a killed node's registrations free their places after the heartbeat TTL, a Redis
// restart is rebuilt, and malformed lists are refused on a bus node without a write to Redis. The sealed
// KK session over the same is packages/client/test/relay/cluster.test.ts.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresInstance, startPostgres } from '../../../test-support/postgres.ts';
import { type RedisInstance, startRedis } from '../../../test-support/redis.ts';
import { type RelayNode, startRelayNode } from '../../../test-support/relay-node.ts';
import { InProcessBus } from '../src/bus/local.ts';
import {
  type Client,
  type Cred,
  createChannel,
  credential,
  type Loose,
  login,
  start,
  type TestServer,
} from './helpers.ts';

let pg: PostgresInstance;
let redis: RedisInstance;
let r: Redis;
const servers: TestServer[] = [];
const procs: RelayNode[] = [];
const clients: Client[] = [];
beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  r = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 20 });
  await r.connect();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.stop();
  for (const p of procs.splice(0)) await p.kill();
});
afterAll(async () => {
  r?.disconnect();
  await redis?.stop();
  await pg?.stop();
});

const HEARTBEAT = 200;
/** Every client here makes its own channel: the shared per-IP creation windows must not bite. */
const OPTS = {
  busHeartbeatMs: HEARTBEAT,
  adminPort: -1,
  limits: { channelsPerMinute: 100_000, credentialsPerMinute: 100_000 },
};
const tag = (): string => randomBytes(32).toString('base64url');

async function cluster(n: number): Promise<{ store: string; nodes: TestServer[] }> {
  const store = await pg.createDatabase();
  const nodes: TestServer[] = [];
  for (let i = 0; i < n; i++) {
    const s = await start({ ...OPTS, store, bus: redis.url });
    servers.push(s);
    nodes.push(s);
  }
  return { store, nodes };
}

type Node = { url: string; wsUrl: string };

/** A logged-in client alone in a fresh private channel of node `s`. */
async function alone(s: Node): Promise<{ c: Client; id: string; cred: Cred }> {
  const cred = await credential(s, await createChannel(s));
  const c = await login(s, cred);
  clients.push(c);
  return { c, id: cred.clientId, cred };
}

/** Sends a tag list and returns the answer. */
async function listen(c: Client, tags: string, id = 'r'): Promise<Loose> {
  c.send({ type: 'rendezvous', id, tags });
  return c.next(5000);
}

/** The clients the Redis hash of `t` holds, as "nodeId|clientId" fields. */
const fieldsOf = (t: string) => r.hkeys(`sp:rv:${t}`);

/** Retries `f` until it holds (bus hops and heartbeats take their time). */
async function eventually(f: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** Two nodes, a client alone on each (a on n1, b on n2), and a fresh tag. */
async function oneOnEach() {
  const { nodes } = await cluster(2);
  const [n1, n2] = nodes as [TestServer, TestServer];
  return { n1, n2, t: tag(), a: await alone(n1), b: await alone(n2) };
}

/** oneOnEach(), both listening on the tag, and a has heard b join. */
async function metOnTwoNodes() {
  const { n1, n2, t, a, b } = await oneOnEach();
  await listen(a.c, t);
  expect(await listen(b.c, t)).toMatchObject({ matches: [{ tag: t, clientId: a.id }] });
  expect(await a.c.next()).toEqual({ type: 'rendezvous', event: 'join', tag: t, clientId: b.id });
  return { n1, n2, t, a, b };
}

describe('rendezvous across relay nodes (Redis bus)', () => {
  it('contacts on different nodes meet, send both ways, and see each other leave; a dialler sees no other dialler', async () => {
    const { n1, n2, t, a, b } = await oneOnEach();
    expect(await listen(a.c, `${tag()},${t}`)).toEqual({ type: 'rendezvous_ok', matches: [], ref: 'r' });
    expect(await listen(b.c, t)).toEqual({
      type: 'rendezvous_ok',
      matches: [{ tag: t, clientId: a.id }],
      ref: 'r',
    });
    expect(await a.c.next()).toEqual({ type: 'rendezvous', event: 'join', tag: t, clientId: b.id });
    a.c.send({ type: 'send', to: b.id, data: 'hi b' });
    expect(await b.c.next()).toEqual({ type: 'message', from: a.id, data: 'hi b' });
    b.c.send(`{"data":"hi \\"a\\"","to":"${a.id}","type":"send","id":"k"}`);
    expect(await a.c.next()).toEqual({ type: 'message', from: b.id, data: 'hi "a"' });
    const routed = await n2.metrics.registry.getSingleMetricAsString('sealpeer_bus_routed_total');
    expect(routed).toContain('sealpeer_bus_routed_total{kind="rendezvous"} 1');
    // Two callers dial a's tag from either node: each sees a, never the other.
    const d1 = await alone(n1);
    const d2 = await alone(n2);
    expect((await listen(d1.c, `~${t}`)).matches).toEqual(
      expect.arrayContaining([
        { tag: t, clientId: a.id },
        { tag: t, clientId: b.id },
      ]),
    );
    expect((await listen(d2.c, `~${t}`)).matches).toHaveLength(2);
    for (const x of [a, b]) {
      const joins = [await x.c.next(), await x.c.next()].map((f) => f.clientId).sort();
      expect(joins).toEqual([d1.id, d2.id].sort());
    }
    await d1.c.nothing(300);
    d2.c.send({ type: 'send', id: 'x', to: d1.id, data: 'other caller?' });
    expect(await d2.c.next()).toMatchObject({ type: 'error', code: 'peer_not_found', ref: 'x' });
    d1.c.send({ type: 'send', to: b.id, data: 'caller to b' });
    expect(await b.c.next()).toEqual({ type: 'message', from: d1.id, data: 'caller to b' });
    // b drops the tag: a hears leave, and a send to b is peer_not_found again.
    expect(await listen(b.c, '', 'clear')).toEqual({ type: 'rendezvous_ok', matches: [], ref: 'clear' });
    expect(await a.c.next()).toEqual({ type: 'rendezvous', event: 'leave', tag: t, clientId: b.id });
    a.c.send({ type: 'send', id: 'z', to: b.id, data: 'gone?' });
    expect(await a.c.next()).toMatchObject({ type: 'error', code: 'peer_not_found', ref: 'z' });
    // A socket that ends leaves its tags on every node.
    d2.c.close();
    expect(await a.c.next()).toEqual({ type: 'rendezvous', event: 'leave', tag: t, clientId: d2.id });
    await eventually(async () => (await fieldsOf(t)).every((f) => !f.endsWith(d2.id)));
    expect(await fieldsOf(t)).toHaveLength(2); // a and d1
  });

  it('a third client on another node without the tag cannot reach either contact', async () => {
    const { n2, a, b } = await metOnTwoNodes();
    const eve = await alone(n2);
    expect(await listen(eve.c, `${tag()},${tag()}`)).toMatchObject({ matches: [] });
    for (const to of [a.id, b.id]) {
      eve.c.send({ type: 'send', id: 'e', to, data: 'let me in' });
      expect(await eve.c.next()).toMatchObject({ type: 'error', code: 'peer_not_found', ref: 'e' });
    }
    await a.c.nothing(200);
    await b.c.nothing(0);
  });

  it('holds 4 connections per tag over all nodes, also when eight ask at once', async () => {
    const { nodes } = await cluster(3);
    const t = tag();
    const own = tag();
    // Eight clients spread over three nodes ask for the same tag at the same moment: exactly four get it.
    const eight = await Promise.all(Array.from({ length: 8 }, (_, i) => alone(nodes[i % 3]!)));
    const answers = await Promise.all(eight.map((x, i) => listen(x.c, t, `q${i}`)));
    const ok = answers.filter((f) => f.type === 'rendezvous_ok');
    const full = answers.filter((f) => f.type === 'error');
    expect(ok).toHaveLength(4);
    expect(full).toHaveLength(4);
    expect(full.every((f) => f.code === 'rendezvous_full')).toBe(true);
    expect(await fieldsOf(t)).toHaveLength(4);
    const holders = eight.filter((_, i) => answers[i]!.type === 'rendezvous_ok');
    const refused = eight.filter((_, i) => answers[i]!.type === 'error');
    // A refused client keeps its old list (here: its own tag) and reaches no holder.
    const late = refused[0]!;
    await listen(late.c, own, 'own');
    late.c.send({ type: 'rendezvous', id: 'f', tags: `${own},${t}` });
    expect(await late.c.next()).toMatchObject({ type: 'error', code: 'rendezvous_full', ref: 'f' });
    late.c.send({ type: 'send', id: 's', to: holders[0]!.id, data: 'x' });
    expect(await late.c.next()).toMatchObject({ type: 'error', code: 'peer_not_found', ref: 's' });
    expect(await fieldsOf(own)).toHaveLength(1);
    // One holder leaves (its socket ends): a place is free for a client on any node.
    holders[0]!.c.close();
    await eventually(async () => (await fieldsOf(t)).length === 3);
    expect((await listen(late.c, `${own},${t}`, 'again')).type).toBe('rendezvous_ok');
    expect(await fieldsOf(t)).toHaveLength(4);
    for (const x of refused.slice(1)) expect((await listen(x.c, t, 'no')).code).toBe('rendezvous_full');
  });

  it('one client cannot hold more places by spreading over nodes: its login elsewhere frees the old ones', async () => {
    const { nodes } = await cluster(2);
    const [n1, n2] = nodes as [TestServer, TestServer];
    const inbox = tag();
    const owner = await alone(n1);
    await listen(owner.c, inbox);
    // A stranger takes two places with two credentials, then logs the first in again on the other node.
    const s1 = await alone(n1);
    const s2 = await alone(n2);
    await listen(s1.c, `~${inbox}`);
    await listen(s2.c, `~${inbox}`);
    const again = await login(n2, s1.cred);
    clients.push(again);
    expect((await s1.c.closed).code).toBe(4409);
    expect(await listen(again, `~${inbox}`)).toMatchObject({ type: 'rendezvous_ok' });
    // The punted socket's place is gone: owner + s2 + s1 (once, on n2).
    await eventually(async () => (await fieldsOf(inbox)).length === 3);
    const held = await fieldsOf(inbox);
    expect(held.filter((f) => f.endsWith(`|${s1.id}`))).toHaveLength(1);
    // One more place is left; the next credential is refused whichever node it uses.
    const s3 = await alone(n1);
    expect((await listen(s3.c, `~${inbox}`)).type).toBe('rendezvous_ok');
    for (const n of [n1, n2]) {
      const s4 = await alone(n);
      expect(await listen(s4.c, `~${inbox}`, 'x')).toMatchObject({ code: 'rendezvous_full', ref: 'x' });
    }
    // The per-connection tag limit is per connection: a list over it is refused on a bus node too.
    const many = Array.from({ length: 257 }, tag).join(',');
    expect(await listen(s3.c, many, 'm')).toMatchObject({ type: 'error', code: 'invalid_message', ref: 'm' });
  });

  it('a socket that ends while its list is with the bus leaves nothing behind in Redis', async () => {
    const { nodes } = await cluster(2);
    const tags = Array.from({ length: 12 }, tag);
    const xs = await Promise.all(tags.map((_, i) => alone(nodes[i % 2]!)));
    // Each sends its list and drops the socket at once: the answer finds the socket gone.
    xs.forEach((x, i) => {
      x.c.send({ type: 'rendezvous', tags: `${tags[i]},${tag()}` });
      x.c.ws.terminate();
    });
    await eventually(async () => (await r.exists(...tags.map((t) => `sp:rv:${t}`))) === 0);
    // And one that stays is still admitted and seen from the other node.
    const keep = await alone(nodes[0]!);
    const other = await alone(nodes[1]!);
    await listen(keep.c, tags[0]!);
    expect(await listen(other.c, tags[0]!)).toMatchObject({ matches: [{ tag: tags[0], clientId: keep.id }] });
  });

  it('refuses malformed lists on a bus node (invalid_message) without writing to Redis', async () => {
    const { t, a, b } = await oneOnEach();
    await listen(a.c, t);
    const before = (await r.keys('sp:rv:*')).sort();
    const bad: unknown[] = [
      { type: 'rendezvous', id: '1', tags: 'short' },
      { type: 'rendezvous', id: '2', tags: `${t},${t}` },
      { type: 'rendezvous', id: '3', tags: `${t.slice(0, 42)}B` },
      { type: 'rendezvous', id: '4', tags: `${t}|x` },
      { type: 'rendezvous', id: '5', tags: `~~${t}` },
      { type: 'rendezvous', id: '6', tags: 42 },
    ];
    for (const f of bad) {
      b.c.send(f);
      expect(await b.c.next()).toMatchObject({ type: 'error', code: 'invalid_message' });
    }
    expect((await r.keys('sp:rv:*')).sort()).toEqual(before);
    expect(await fieldsOf(t)).toHaveLength(1);
    b.c.send({ type: 'send', id: 'n', to: a.id, data: 'x' });
    expect(await b.c.next()).toMatchObject({ type: 'error', code: 'peer_not_found', ref: 'n' });
    await a.c.nothing(100);
    // Bus payloads that do not parse on a tag's topic or a node's topic are dropped; routing goes on.
    expect(await listen(b.c, t)).toMatchObject({ matches: [{ tag: t, clientId: a.id }] });
    await a.c.next(); // join
    for (const p of ['', 'J', 'J\n', 'J\nn\nc', 'J\nn\nc\nx', 'J\nn\nc\nl\nextra', 'L\nn', 'Q\nn\nc'])
      await r.publish(`sp:t:${t}`, p);
    for (const key of await r.keys('sp:node:*')) {
      const topic = `sp:n:${key.slice('sp:node:'.length)}`;
      for (const p of ['r', 'r\n', `r\n${t}\n${a.id}\nl\n`, `r\n${t}\n${a.id}\nz\n{}`, `r\n${t}\n${a.id}`])
        await r.publish(topic, p);
    }
    await a.c.nothing(200);
    b.c.send({ type: 'send', to: a.id, data: 'still fine' });
    expect(await a.c.next()).toEqual({ type: 'message', from: b.id, data: 'still fine' });
  });

  it('a killed node frees its places after the heartbeat TTL; the others hear its listeners leave', async () => {
    const store = await pg.createDatabase();
    const args = ['--store', store, '--bus', redis.url, '--bus-heartbeat', `${HEARTBEAT}ms`];
    const [p1, p2] = await Promise.all([startRelayNode(args), startRelayNode(args)]);
    procs.push(p1!, p2!);
    const ws = (p: RelayNode): Node => ({ url: p.url, wsUrl: `${p.url.replace(/^http/, 'ws')}/ws` });
    const [n1, doomed] = [ws(p1!), ws(p2!)];
    const t = tag();
    const a = await alone(n1);
    await listen(a.c, t);
    const gone = [await alone(doomed), await alone(doomed), await alone(doomed)];
    for (const g of gone) await listen(g.c, t);
    for (const _ of gone) expect((await a.c.next()).event).toBe('join');
    const fifth = await alone(n1);
    expect((await listen(fifth.c, t)).code).toBe('rendezvous_full');
    const killedAt = Date.now();
    await p2!.kill();
    // a hears the three leave once n1's sweep finds the node's heartbeat gone (TTL 3 beats + 2 sweeps).
    const left = [await a.c.next(5000), await a.c.next(5000), await a.c.next(5000)];
    expect(left.map((f) => f.event)).toEqual(['leave', 'leave', 'leave']);
    expect(left.map((f) => f.clientId).sort()).toEqual(gone.map((g) => g.id).sort());
    expect(Date.now() - killedAt).toBeLessThan(5000);
    expect((await listen(fifth.c, t, 'now')).type).toBe('rendezvous_ok');
    await eventually(async () => (await fieldsOf(t)).length === 2);
  });

  it('rebuilds the registrations after a Redis restart: contacts still meet and the cap still counts them', async () => {
    const { n1, n2, t, a, b } = await metOnTwoNodes();
    await redis.restart();
    // Both nodes write their registrations back; then sends cross again.
    await eventually(async () => (await fieldsOf(t).catch(() => [])).length === 2, 15_000);
    let got: Loose;
    for (let i = 0; i < 100 && got === undefined; i++) {
      a.c.send({ type: 'send', to: b.id, data: `after-${i}` });
      for (;;) {
        const f = await b.c.next(100).catch(() => undefined);
        if (f === undefined || f.type === 'message') {
          got = f;
          break;
        }
      }
    }
    expect(got).toMatchObject({ type: 'message', from: a.id });
    // A third node started now counts the rebuilt places: two more fit, a fifth does not.
    const n3 = await start({ ...OPTS, store: n1.config.store, bus: redis.url });
    servers.push(n3);
    const c = await alone(n3);
    expect((await listen(c.c, t)).matches.map((m: Loose) => m.clientId).sort()).toEqual([a.id, b.id].sort());
    expect((await listen((await alone(n3)).c, t)).type).toBe('rendezvous_ok');
    expect((await listen((await alone(n2)).c, t)).code).toBe('rendezvous_full');
    expect(n1.logs.some((l) => l.event === 'bus_reconnected')).toBe(true);
  });

  it('while Redis is down a list is admitted on the node’s own count, then written back and matched', async () => {
    const { t, a, b } = await oneOnEach();
    await redis.kill();
    try {
      // The bus cannot answer: a still gets its answer (from what its node knows), not an error.
      expect(await listen(a.c, t, 'down')).toEqual({ type: 'rendezvous_ok', matches: [], ref: 'down' });
    } finally {
      await redis.start();
    }
    // Back: a's node writes the tag back and follows its topic again; b on the other node meets a.
    await eventually(async () => (await fieldsOf(t).catch(() => [])).length === 1, 15_000);
    expect(await listen(b.c, t)).toMatchObject({ matches: [{ tag: t, clientId: a.id }] });
    expect(await a.c.next(5000)).toEqual({ type: 'rendezvous', event: 'join', tag: t, clientId: b.id });
    b.c.send({ type: 'send', to: a.id, data: 'after the outage' });
    expect(await a.c.next()).toEqual({ type: 'message', from: b.id, data: 'after the outage' });
  });

  it('one node (no bus) keeps the in-memory path: the bus is never asked about tags', () => {
    const bus = new InProcessBus();
    expect(bus.retag()).toBeUndefined();
    expect(bus.sendTagged()).toBe(false);
  });
});
