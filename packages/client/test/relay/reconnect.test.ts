// A relay that comes and goes (docs/protocol.md 2.13) against a real server: stopped and restarted on
// the same port and data dir mid-session, a dead socket (black hole), a rotated credential, giving up,
// and the bounded queue. Open sealed sessions continue with their counters; nothing is replayed or lost;
// a duplicate after the reconnect is still refused; a relay outage is never an integrity verdict.
import { afterEach, describe, expect, it } from 'vitest';
import type { SealpeerClient } from '../../src/client.ts';
import { decodeBase64url } from '../../src/envelope/index.ts';
import { getCredential } from '../../src/relay/http.ts';
import type { RelayState } from '../../src/relay/link.ts';
import { BlackholeProxy } from '../support/blackhole.ts';
import { inbox } from '../support/inbox.ts';
import { newClient, next } from '../support/peers.ts';
import { TamperingProxy } from '../support/proxy.ts';
import { type RestartableServer, startRestartableServer } from '../support/server.ts';

const FAST = { reconnect: { minDelayMs: 50, maxDelayMs: 400 } };

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Every relay state a client goes through, and a promise for the next time it reaches one. */
function watchStates(c: SealpeerClient) {
  const seen: RelayState[] = [];
  c.on('relay-state', (s) => seen.push(s));
  return {
    seen,
    reach: (s: RelayState, ms = 15_000): Promise<void> =>
      c.relayState === s
        ? Promise.resolve()
        : new Promise((resolve, reject) => {
            const t = setTimeout(() => reject(new Error(`no ${s} within ${ms} ms (saw ${seen})`)), ms);
            const off = c.on('relay-state', (now) => {
              if (now !== s) return;
              clearTimeout(t);
              off();
              resolve();
            });
          }),
  };
}

/** Counter of a relay `data` frame (docs/protocol.md 2.1: bytes 18..26, big-endian). */
function counterOf(data: unknown): bigint | undefined {
  const b = typeof data === 'string' ? decodeBase64url(data) : undefined;
  if (!b || b.length < 26) return undefined;
  return new DataView(b.buffer, b.byteOffset + 18, 8).getBigUint64(0);
}

async function pairThrough(url: string, extra = {}) {
  const inviter = await newClient(url, undefined, { ...FAST, ...extra });
  const inv = inviter.createInvite();
  const scanner = await newClient(url, inviter.channelId, { ...FAST, ...extra });
  const [a, b] = await Promise.all([inv.session, scanner.acceptInvite(inv.uri)]);
  cleanups.push(
    () => inviter.close(),
    () => scanner.close(),
  );
  return { inviter, scanner, a, b };
}

async function restartable(): Promise<RestartableServer> {
  const server = await startRestartableServer();
  cleanups.push(() => server.stop());
  return server;
}

describe('relay restart mid-session (same port, same data dir)', () => {
  it('both sides reconnect, log in again, and the sealed session continues both ways with its counters', async () => {
    const server = await restartable();
    const proxy = await TamperingProxy.start(server.url);
    cleanups.push(() => proxy.close());
    // Counters of every sealed frame the relay delivers to each client, in order.
    const delivered = new Map<string, bigint[]>();
    let duplicateNext = false;
    proxy.tamper = (f) => {
      if (f.dir !== 'down' || f.frame.type !== 'message') return undefined;
      const c = counterOf(f.frame.data);
      if (c !== undefined) delivered.set(f.client, [...(delivered.get(f.client) ?? []), c]);
      if (!duplicateNext) return undefined;
      duplicateNext = false;
      return [f.frame, f.frame]; // the relay replays a frame it just delivered
    };
    const { inviter, scanner, a, b } = await pairThrough(proxy.url);
    const [sa, sb] = [watchStates(inviter), watchStates(scanner)];
    const [ia, ib] = [inbox(a), inbox(b)];
    a.send('before 1');
    b.send('before 2');
    expect(await ib.until(1)).toEqual(['before 1']);
    expect(await ia.until(1)).toEqual(['before 2']);

    await server.halt();
    await Promise.all([sa.reach('reconnecting'), sb.reach('reconnecting')]);
    // Sent while the relay is away: queued in order, counters taken now.
    a.send('offline 1');
    a.send('offline 2');
    b.send('offline 3');
    await new Promise((r) => setTimeout(r, 300)); // a few failed attempts against the stopped server
    expect(a.state).toBe('open');
    await server.restart();
    await Promise.all([sa.reach('connected'), sb.reach('connected')]);
    expect(await ib.until(3)).toEqual(['before 1', 'offline 1', 'offline 2']);
    expect(await ia.until(2)).toEqual(['before 2', 'offline 3']);
    a.send('after 1');
    b.send('after 2');
    expect(await ib.until(4)).toEqual(['before 1', 'offline 1', 'offline 2', 'after 1']);
    expect(await ia.until(3)).toEqual(['before 2', 'offline 3', 'after 2']);
    expect(sa.seen).toEqual(['reconnecting', 'connected']);
    expect(sb.seen).toEqual(['reconnecting', 'connected']);
    expect([ia.errors, ib.errors, a.state, b.state]).toEqual([[], [], 'open', 'open']);
    // Same clientIds as before (the credential survived the restart in SQLite).
    expect([a.peerClientId, b.peerClientId]).toEqual([scanner.clientId, inviter.clientId]);
    expect(new Set(proxy.clients())).toEqual(new Set([inviter.clientId, scanner.clientId]));
    // The counters the relay delivered to each side run on without a gap or a repeat across the restart.
    for (const id of [inviter.clientId, scanner.clientId]) {
      const cs = delivered.get(id) ?? [];
      expect(cs.length).toBeGreaterThanOrEqual(3);
      expect(cs).toEqual(cs.map((_, i) => cs[0]! + BigInt(i)));
    }

    // A duplicate after the reconnect is refused: delivered once, then the session refuses the copy.
    duplicateNext = true;
    const refused = next<[{ reason: string }]>(b, 'integrity-error');
    a.send('duplicated');
    expect((await refused)[0].reason).toBe('replay');
    expect(ib.got.filter((m) => m === 'duplicated')).toEqual(['duplicated']);
  }, 40_000);

  it('a rotated credential: the re-login is refused (auth_failed) and a fresh one for the same sessionId is fetched, same clientId', async () => {
    const server = await restartable();
    const sessionId = crypto.randomUUID();
    const inviter = await newClient(server.url, undefined, { ...FAST, sessionId });
    const inv = inviter.createInvite();
    const scanner = await newClient(server.url, inviter.channelId, FAST);
    cleanups.push(
      () => inviter.close(),
      () => scanner.close(),
    );
    const [a, b] = await Promise.all([inv.session, scanner.acceptInvite(inv.uri)]);
    const ib = inbox(b);
    const sa = watchStates(inviter);
    // Someone (another tab of the same device) asked for this session's credential again: new password.
    const rotated = await getCredential(server.url, inviter.channelId, sessionId);
    expect(rotated.clientId).toBe(inviter.clientId);
    await server.halt();
    await sa.reach('reconnecting');
    await server.restart();
    await sa.reach('connected');
    a.send('after rotation');
    expect(await ib.until(1)).toEqual(['after rotation']);
    expect([ib.errors, a.state, b.state]).toEqual([[], 'open', 'open']);
  }, 30_000);
});

describe('the peer is away while the relay stays', () => {
  it('a frame the relay answers with peer_not_found waits for the peer and arrives once it is back; the open session goes on', async () => {
    const server = await restartable();
    const proxy = await TamperingProxy.start(server.url);
    cleanups.push(() => proxy.close());
    const inviter = await newClient(proxy.url, undefined, FAST);
    const inv = inviter.createInvite();
    // The scanner comes back slowly, so the inviter sends while it is gone.
    const scanner = await newClient(proxy.url, inviter.channelId, {
      reconnect: { minDelayMs: 1500, maxDelayMs: 1500 },
    });
    cleanups.push(
      () => inviter.close(),
      () => scanner.close(),
    );
    const [a, b] = await Promise.all([inv.session, scanner.acceptInvite(inv.uri)]);
    const ib = inbox(b);
    const errorsA: string[] = [];
    a.on('integrity-error', (e) => errorsA.push(e.reason));
    // The inviter is not told that the scanner left: its sends reach a relay that no longer has it.
    const notFound: string[] = [];
    proxy.tamper = (f) => {
      if (f.dir !== 'down' || f.client !== inviter.clientId) return undefined;
      if (f.frame.type === 'presence' && f.frame.event === 'leave') return [];
      if (f.frame.type === 'error') notFound.push(String(f.frame.code));
      return undefined;
    };
    const sb = watchStates(scanner);
    proxy.cut(scanner.clientId);
    await sb.reach('reconnecting');
    await new Promise((r) => setTimeout(r, 200)); // the relay has dropped the scanner's socket
    a.send('while you were away 1');
    a.send('while you were away 2');
    await sb.reach('connected');
    expect(await ib.until(2)).toEqual(['while you were away 1', 'while you were away 2']);
    expect(notFound).toContain('peer_not_found');
    expect([errorsA, ib.errors, a.state, b.state]).toEqual([[], [], 'open', 'open']);
  }, 30_000);
});

describe('pairing across a restart', () => {
  it('an invite issued before the relay restarted still pairs after it (no invite_unknown, no alarm)', async () => {
    const server = await restartable();
    const inviter = await newClient(server.url, undefined, FAST);
    cleanups.push(() => inviter.close());
    const inv = inviter.createInvite();
    const sa = watchStates(inviter);
    await server.halt();
    await sa.reach('reconnecting');
    await server.restart();
    await sa.reach('connected');
    const scanner = await newClient(server.url, inviter.channelId, FAST);
    cleanups.push(() => scanner.close());
    const [a, b] = await Promise.all([inv.session, scanner.acceptInvite(inv.uri)]);
    expect(a.safetyNumber).toBe(b.safetyNumber);
  }, 30_000);
});

describe('a dead socket (the relay stops answering, nothing closes)', () => {
  it('is noticed within 10 s by the echo ping, and the client reconnects once the relay answers again', async () => {
    const server = await restartable();
    const hole = await BlackholeProxy.start(server.url);
    cleanups.push(() => hole.close());
    // Default liveness settings (2 s ping, 5 s silence): only the backoff is shortened.
    const c = await newClient(hole.url, undefined, FAST);
    cleanups.push(() => c.close());
    const s = watchStates(c);
    const lost = new Promise<[RelayState, { code: string } | undefined]>((r) =>
      c.once('relay-state', (st, err) => r([st, err])),
    );
    const t0 = Date.now();
    hole.blackhole();
    const [state, err] = await lost;
    const noticedMs = Date.now() - t0;
    expect(state).toBe('reconnecting');
    expect(err?.code).toBe('relay_timeout');
    expect(noticedMs).toBeLessThan(10_000);
    hole.heal();
    await s.reach('connected', 20_000);
    expect(c.relayState).toBe('connected');
  }, 40_000);
});

describe('a paused process is not a dead socket', () => {
  it('a busy event loop longer than deadAfterMs does not drop a live connection', async () => {
    const server = await restartable();
    const c = await newClient(server.url, undefined, { ...FAST, pingIntervalMs: 100, deadAfterMs: 300 });
    cleanups.push(() => c.close());
    const s = watchStates(c);
    await new Promise((r) => setTimeout(r, 350)); // a few pings answered
    for (let i = 0; i < 3; i++) {
      const until = Date.now() + 700; // the process is stuck (no timers, no I/O) for 700 ms
      while (Date.now() < until);
      await new Promise((r) => setTimeout(r, 400));
    }
    expect(s.seen).toEqual([]);
    expect(c.relayState).toBe('connected');
  }, 20_000);
});

describe('giving up and the bounded queue', () => {
  it('giveUpAfterMs: offline (relay_offline), close is emitted, the open session shows no integrity error and refuses to send', async () => {
    const server = await restartable();
    const { inviter, a } = await pairThrough(server.url, {
      reconnect: { minDelayMs: 50, maxDelayMs: 100, giveUpAfterMs: 600 },
    });
    const errors: string[] = [];
    a.on('integrity-error', (e) => errors.push(e.reason));
    const closed = next<[{ code: string }]>(inviter, 'close');
    await server.halt();
    expect((await closed)[0].code).toBe('relay_offline');
    expect(inviter.relayState).toBe('offline');
    expect(errors).toEqual([]);
    expect(() => a.send('x')).toThrow(expect.objectContaining({ code: 'relay_offline' }));
  }, 20_000);

  it('sendQueueLimit: sends beyond it are refused (send_queue_full) without taking a counter; the queued ones arrive in order', async () => {
    const server = await restartable();
    const { inviter, scanner, a, b } = await pairThrough(server.url, { sendQueueLimit: 2 });
    const ib = inbox(b);
    const [sa, sb] = [watchStates(inviter), watchStates(scanner)];
    await server.halt();
    await Promise.all([sa.reach('reconnecting'), sb.reach('reconnecting')]);
    a.send('q1');
    a.send('q2');
    expect(() => a.send('q3')).toThrow(expect.objectContaining({ code: 'send_queue_full' }));
    await server.restart();
    await Promise.all([sa.reach('connected'), sb.reach('connected')]);
    a.send('q4');
    expect(await ib.until(3)).toEqual(['q1', 'q2', 'q4']);
    expect(ib.errors).toEqual([]);
  }, 30_000);
});
