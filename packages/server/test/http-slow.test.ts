// Slow HTTP clients are cut, not held (docs/hardening.md, "HTTP connections"): the header timeout and
// the per-IP cap on TCP connections, with real sockets from several 127.x source addresses.
import { describe, expect, it } from 'vitest';
import { rawConnect, rawGet, within } from '../../../test-support/raw-http.ts';
import { Client, serverPerTest } from './helpers.ts';

const start = serverPerTest();

describe('header timeout', () => {
  it('a socket that sends half its headers, or nothing, gets 408 and is closed at the timeout', async () => {
    const s = await start({ limits: { headerTimeoutMs: 400 } });
    const half = await rawConnect(s.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const silent = await rawConnect(s.url);
    for (const c of [half, silent]) {
      const ms = await within(c.closed, 3000, 'slow socket closed');
      expect(ms).toBeGreaterThanOrEqual(300);
      expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
    }
    expect(await rawGet(s.url, '/healthz')).toBe(200);
  });

  it('a WebSocket upgrade whose headers never end is cut the same way', async () => {
    const s = await start({ limits: { headerTimeoutMs: 400 } });
    const c = await rawConnect(
      s.url,
      'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n',
    );
    await within(c.closed, 3000, 'slow upgrade closed');
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
    (await Client.open(s.wsUrl)).close();
  });
});

describe('TCP connections per IP', () => {
  it('the connection over the cap is closed at accept; other addresses and freed slots are served', async () => {
    const s = await start({ limits: { maxHttpConnectionsPerIp: 5, headerTimeoutMs: 60_000 } });
    const held = await Promise.all(Array.from({ length: 5 }, () => rawConnect(s.url)));
    const over = await rawConnect(s.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await within(over.closed, 2000, 'connection over the cap closed');
    expect(over.received()).toBe('');
    // Another source address has its own budget.
    expect(await rawGet(s.url, '/healthz', '127.0.0.2')).toBe(200);
    // The held ones are still open (cut only by the header timeout), and freeing one frees a slot.
    held[0]?.socket.destroy();
    await held[0]?.closed;
    expect(await rawGet(s.url, '/healthz')).toBe(200);
    for (const c of held.slice(1)) c.socket.destroy();
  });

  it('open WebSockets count too', async () => {
    const s = await start({ limits: { maxHttpConnectionsPerIp: 3, maxConnectionsPerIp: 10 } });
    const ws = await Promise.all([1, 2, 3].map(() => Client.open(s.wsUrl)));
    await expect(Client.open(s.wsUrl)).rejects.toThrow();
    for (const c of ws) c.close();
  });

  it('behind --trust-proxy the proxy address is not capped', async () => {
    const s = await start({ trustProxy: ['127.0.0.1'], limits: { maxHttpConnectionsPerIp: 2 } });
    const held = await Promise.all([1, 2, 3].map(() => rawConnect(s.url)));
    expect(await rawGet(s.url, '/healthz')).toBe(200);
    for (const c of held) c.socket.destroy();
  });
});
