import { describe, expect, it } from 'vitest';
import {
  Client,
  createChannel,
  credential,
  http,
  joined,
  login,
  refusedUpgrade,
  serverPerTest,
  type TestServer,
} from './helpers.ts';

const start = serverPerTest();

describe('per-connection message rate', () => {
  it('frames beyond the burst get rate_limited; after a pause they pass again', async () => {
    // 1 token/s: the 20 frames below are handled long before a token refills, even on a busy machine.
    const s = await start({ limits: { messageRate: 1, messageBurst: 10 } });
    const { client } = await joined(s);
    for (let i = 0; i < 20; i++) client.send({ type: 'echo', data: String(i) });
    const got = [];
    for (let i = 0; i < 20; i++) got.push(await client.next());
    const limited = got.filter((f) => f.code === 'rate_limited').length;
    // The login spent one token of the burst of 10.
    expect(got.filter((f) => f.type === 'echo')).toHaveLength(9);
    expect(limited).toBe(11);
    await new Promise((r) => setTimeout(r, 1100));
    client.send({ type: 'echo', data: 'again' });
    expect(await client.next()).toEqual({ type: 'echo', data: 'again' });
    client.close();
  });

  it('a client that keeps flooding is cut: twice the burst refused in a row closes 1008', async () => {
    const s = await start({ limits: { messageRate: 1, messageBurst: 10 } });
    const { client } = await joined(s);
    for (let i = 0; i < 100; i++) client.send({ type: 'echo', data: String(i) });
    expect((await client.closed).code).toBe(1008);
    // 9 answered (the login spent a token), then exactly 20 refusals, then nothing.
    expect(client.frames.filter((f) => f.type === 'echo')).toHaveLength(9);
    expect(client.frames.filter((f) => f.code === 'rate_limited')).toHaveLength(20);
  });

  it('one flooding client does not slow down another', async () => {
    const s = await start({ limits: { messageRate: 5, messageBurst: 5 } });
    const flood = await joined(s);
    const calm = await joined(s);
    for (let i = 0; i < 50; i++) flood.client.send({ type: 'echo', data: 'x' });
    calm.client.send({ type: 'echo', data: 'calm' });
    expect(await calm.client.next()).toEqual({ type: 'echo', data: 'calm' });
    flood.client.close();
    calm.client.close();
  });
});

describe('HTTP rate limits', () => {
  it('credential creations per IP: 429 rate_limited with Retry-After', async () => {
    const s = await start({ limits: { credentialsPerMinute: 3 } });
    const ch = await createChannel(s);
    for (let i = 0; i < 3; i++) await credential(s, ch);
    const r = await http(s.url, 'POST', `/api/channels/${ch}/sessions`, { sessionId: crypto.randomUUID() });
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('rate_limited');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('channel creations per IP: 429 rate_limited', async () => {
    const s = await start({ limits: { channelsPerMinute: 2 } });
    await createChannel(s);
    await createChannel(s);
    const r = await http(s.url, 'POST', '/api/channels', { public: false });
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('rate_limited');
  });
});

describe('upgrade checks', () => {
  it('refuses connections beyond the per-IP cap with 429, and frees the slot on close', async () => {
    const s = await start({ limits: { maxConnectionsPerIp: 3 } });
    const open = [await Client.open(s.wsUrl), await Client.open(s.wsUrl), await Client.open(s.wsUrl)];
    const r = await refusedUpgrade(s.wsUrl);
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('too_many_connections');
    open[0]!.close();
    await open[0]!.closed;
    await new Promise((res) => setTimeout(res, 50));
    const again = await Client.open(s.wsUrl);
    again.close();
    for (const c of open) c.close();
  });

  it('refuses a foreign Origin with 403; own origins, listed ones and no Origin pass', async () => {
    const s = await start({ allowedOrigins: ['https://app.example'] });
    const r = await refusedUpgrade(s.wsUrl, { origin: 'https://evil.example' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('origin_not_allowed');
    const port = new URL(s.url).port;
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, 'https://app.example'])
      (await Client.open(s.wsUrl, { origin })).close();
    (await Client.open(s.wsUrl)).close();
    expect((await refusedUpgrade(s.wsUrl, { origin: `http://localhost:${Number(port) + 1}` })).status).toBe(
      403,
    );
  });

  it("'*' allows any Origin", async () => {
    const s = await start({ allowedOrigins: ['*'] });
    (await Client.open(s.wsUrl, { origin: 'https://anything.example' })).close();
  });

  it('takes the client IP from X-Forwarded-For only with --trust-proxy', async () => {
    let s: TestServer | undefined;
    const failFrom = async (headers: Record<string, string>): Promise<unknown> => {
      const cred = await credential(s!, await createChannel(s!));
      const c = await Client.open(s!.wsUrl, { headers });
      c.send({ type: 'login', clientId: cred.clientId, password: 'wrong', sessionId: cred.sessionId });
      await c.closed;
      return s!.logs.filter((l) => l.event === 'auth_failed').at(-1)?.ip;
    };
    s = await start();
    expect(await failFrom({ 'x-forwarded-for': '203.0.113.7' })).toBe('127.0.0.1');
    await s.stop();
    s = await start({ trustProxy: ['127.0.0.1'] });
    // nginx appends the peer it saw; a value the client wrote further left is not trusted.
    expect(await failFrom({ 'x-forwarded-for': '198.51.100.1, 203.0.113.7' })).toBe('203.0.113.7');
    const r = await http(
      s.url,
      'POST',
      '/api/channels',
      { public: false },
      { 'x-forwarded-for': '203.0.113.8' },
    );
    expect(r.status).toBe(201);
  });

  it('other paths are not upgraded', async () => {
    const s = await start();
    const r = await refusedUpgrade(s.wsUrl.replace(/\/ws$/, '/socket'));
    expect(r.status).toBe(404);
  });
});

describe('liveness and back-pressure', () => {
  it('drops a peer that stops answering pings', async () => {
    const s = await start({ limits: { pingIntervalMs: 250 } });
    const ch = await createChannel(s);
    const watcher = await login(s, await credential(s, ch));
    watcher.send({ type: 'subscribe' });
    await watcher.next();
    const cred = await credential(s, ch);
    const dead = await Client.open(s.wsUrl, { autoPong: false });
    dead.send({ type: 'login', clientId: cred.clientId, password: cred.password, sessionId: cred.sessionId });
    await dead.next();
    dead.send({ type: 'subscribe' });
    await dead.next();
    expect(await watcher.next()).toMatchObject({ event: 'join' });
    const closed = await dead.closed;
    expect(closed.code).toBe(1006);
    expect(await watcher.next()).toEqual({ type: 'presence', event: 'leave', clientId: cred.clientId });
    // The answering client survives many ping rounds.
    await new Promise((r) => setTimeout(r, 800));
    watcher.send({ type: 'echo', data: 'alive' });
    expect(await watcher.next()).toEqual({ type: 'echo', data: 'alive' });
    watcher.close();
  });

  it('closes a socket that stops reading with 1013 once its send queue is over the bound', async () => {
    const s = await start({
      limits: { maxBufferedBytes: 256 * 1024, messageRate: 100_000, messageBurst: 100_000 },
    });
    const ch = await createChannel(s);
    const fast = await login(s, await credential(s, ch));
    const slowCred = await credential(s, ch);
    const slow = await login(s, slowCred);
    // Stop reading on the slow client: the kernel buffers fill, then the server's queue grows.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const data = 'z'.repeat(40 * 1024);
    let closedCode: number | undefined;
    void slow.closed.then((c) => {
      closedCode = c.code;
    });
    const metricsBefore = await (await fetch(`${s.adminUrl}/metrics`)).text();
    expect(metricsBefore).not.toMatch(/sealpeer_rejected_frames_total\{code="send_queue_full"\} [1-9]/);
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 50; i++) fast.send({ type: 'send', to: slowCred.clientId, data });
      await new Promise((r) => setTimeout(r, 20));
      const m = await (await fetch(`${s.adminUrl}/metrics`)).text();
      if (/sealpeer_rejected_frames_total\{code="send_queue_full"\} [1-9]/.test(m)) break;
    }
    fast.send({ type: 'send', id: 'after', to: slowCred.clientId, data: 'x' });
    let f = await fast.next();
    while (f.ref !== 'after') f = await fast.next();
    expect(f).toMatchObject({ code: 'peer_not_found' });
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await slow.closed;
    expect(closedCode).toBe(1013);
    fast.close();
  });
});

describe('admin listener', () => {
  it('serves /metrics on 127.0.0.1 only; the public port answers 404 whatever the headers', async () => {
    const s = await start();
    const { client } = await joined(s);
    client.send('garbage');
    await client.next();
    const m = await http(s.adminUrl!, 'GET', '/metrics');
    expect(m.status).toBe(200);
    expect(new URL(s.adminUrl!).hostname).toBe('127.0.0.1');
    for (const name of [
      'sealpeer_ws_connections 1',
      'sealpeer_logins_total{result="ok"} 1',
      'sealpeer_frames_total{type="login"} 1',
      'sealpeer_rejected_frames_total{code="invalid_message"} 1',
      'sealpeer_relay_latency_seconds_bucket',
    ])
      expect(m.text).toContain(name);
    const stats = await http(s.adminUrl!, 'GET', '/admin/stats');
    expect(stats.body).toEqual({ channels: 1, credentials: 1, connections: 1 });
    const spoof = {
      'x-forwarded-for': '127.0.0.1',
      'x-real-ip': '127.0.0.1',
      host: 'localhost',
      forwarded: 'for=127.0.0.1',
    };
    for (const path of ['/metrics', '/admin/stats', '/admin/purge', '/metrics/', '/admin'])
      for (const method of ['GET', 'POST']) {
        const r = await http(s.url, method, path, undefined, spoof);
        expect(r.status, `${method} ${path}`).toBe(404);
        expect(r.text).not.toContain('sealpeer_');
      }
    client.close();
  });

  it('--admin-port -1 runs no admin listener', async () => {
    const s = await start({ adminPort: -1 });
    expect(s.adminUrl).toBeUndefined();
  });
});
