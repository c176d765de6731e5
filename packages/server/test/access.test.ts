// The public listener's access controls (docs/operators/admin.md): --allow-cidr / --deny-cidr at accept,
// per request and per upgrade (also behind a trusted proxy), and --channel-creation token. Real servers,
// clients bound to other loopback addresses (127.0.0.x).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCidr } from '../src/net/cidr.ts';
import { httpFrom, wsFrom } from './admin-support.ts';
import { http, serverPerTest, tempDir } from './helpers.ts';

const startServer = serverPerTest();
const cidrs = (...list: string[]) => list.map(parseCidr);
const dirs: string[] = [];
const dir = () => {
  const d = tempDir();
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('--allow-cidr / --deny-cidr', () => {
  it('cuts a denied or not-allowed peer at accept, HTTP and upgrade alike; deny wins over allow', async () => {
    const s = await startServer({
      allowCidrs: cidrs('127.0.0.0/30'),
      denyCidrs: cidrs('127.0.0.3'),
    });
    expect((await httpFrom('127.0.0.1', s.url, 'GET', '/healthz')).status).toBe(200);
    expect((await httpFrom('127.0.0.2', s.url, 'GET', '/healthz')).status).toBe(200);
    expect((await wsFrom('127.0.0.2', s.wsUrl)).open).toBe(true);
    // 127.0.0.3 is allowed by /30 and denied by name: deny wins. 127.0.0.5 is outside the allow list.
    for (const from of ['127.0.0.3', '127.0.0.5']) {
      await expect(httpFrom(from, s.url, 'GET', '/healthz'), from).rejects.toThrow();
      await expect(httpFrom(from, s.url, 'POST', '/api/channels', { public: false })).rejects.toThrow();
      const ws = await wsFrom(from, s.wsUrl);
      expect(ws.open, from).toBe(false);
    }
    const refused = s.logs.filter((l) => l.event === 'ip_refused');
    expect(refused.filter((l) => l.ip === '127.0.0.3').every((l) => l.rule === 'deny_cidr')).toBe(true);
    expect(refused.filter((l) => l.ip === '127.0.0.5').every((l) => l.rule === 'allow_cidr')).toBe(true);
    expect(refused.length).toBeGreaterThanOrEqual(6);
    // Nothing was created by the refused POSTs.
    expect((await http(s.adminUrl!, 'GET', '/admin/stats')).body.channels).toBe(0);
    const metrics = await (await fetch(`${s.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/sealpeer_rejected_frames_total\{code="ip_denied"\} [1-9]/);
  });

  it('behind a trusted proxy: the proxy connects, its forwarded clients are checked (IPv4 and IPv6)', async () => {
    const s = await startServer({
      trustProxy: ['127.0.0.1'],
      denyCidrs: cidrs('198.51.100.0/24', '2001:db8::/32', '127.0.0.2'),
    });
    const via = (ip: string) => ({ 'x-forwarded-for': ip });
    expect((await http(s.url, 'GET', '/healthz', undefined, via('203.0.113.9'))).status).toBe(200);
    for (const ip of ['198.51.100.77', '2001:db8:1::5', '::ffff:198.51.100.1']) {
      const r = await http(s.url, 'GET', '/healthz', undefined, via(ip));
      expect(r.status, ip).toBe(403);
      expect(r.body.error.code).toBe('ip_denied');
      const created = await http(s.url, 'POST', '/api/channels', { public: true }, via(ip));
      expect(created.status).toBe(403);
      const ws = await wsFrom('127.0.0.1', s.wsUrl, via(ip));
      expect(ws).toMatchObject({ open: false, status: 403, body: { error: { code: 'ip_denied' } } });
    }
    expect(s.logs.filter((l) => l.event === 'ip_refused' && l.on === 'upgrade')).toHaveLength(3);
    // A peer that is not the trusted proxy is checked by its own address, whatever it forwards.
    await expect(
      httpFrom('127.0.0.2', s.url, 'GET', '/healthz', undefined, via('203.0.113.9')),
    ).rejects.toThrow();
    expect(s.logs.some((l) => l.event === 'ip_refused' && l.ip === '127.0.0.2' && l.on === 'tcp')).toBe(true);
  });
});

describe('--channel-creation token', () => {
  const TOKEN = 'k3y-0f-the-0perator-9f8e7d6c5b4a';
  const withToken = async () => {
    const file = join(dir(), 'token');
    writeFileSync(file, `${TOKEN}\n`);
    return startServer({ channelCreation: 'token', channelTokenFile: file });
  };

  it('creates channels only with the operator token; missing or wrong is 401 channel_token_required', async () => {
    const s = await withToken();
    const tries: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong-token-wrong-token' },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { authorization: `bearer ${TOKEN}` },
      { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` },
    ];
    for (const headers of tries) {
      const r = await http(s.url, 'POST', '/api/channels', { public: false }, headers);
      expect(r.status, JSON.stringify(headers)).toBe(401);
      expect(r.body.error.code).toBe('channel_token_required');
    }
    expect((await http(s.adminUrl!, 'GET', '/admin/stats')).body.channels).toBe(0);
    const ok = await http(
      s.url,
      'POST',
      '/api/channels',
      { public: false },
      { authorization: `Bearer ${TOKEN}` },
    );
    expect(ok.status).toBe(201);
    // Credentials of a channel that exists need no token (the invite link is the capability).
    const cred = await http(s.url, 'POST', `/api/channels/${ok.body.channelId}/sessions`, {
      sessionId: crypto.randomUUID(),
    });
    expect(cred.status).toBe(200);
    const refused = s.logs.filter((l) => l.event === 'channel_token_refused');
    expect(refused).toHaveLength(tries.length);
    expect(refused[0]).toMatchObject({ ip: '127.0.0.1' });
    expect(JSON.stringify(s.logs)).not.toContain(TOKEN);
  });

  it('refuses to start without a usable token file', async () => {
    const d = dir();
    const short = join(d, 'short');
    writeFileSync(short, 'tooshort\n');
    await expect(
      startServer({ channelCreation: 'token', channelTokenFile: join(d, 'missing') }),
    ).rejects.toThrow(/--channel-token-file .*missing/);
    await expect(startServer({ channelCreation: 'token', channelTokenFile: short })).rejects.toThrow(
      /16\+ characters/,
    );
  });
});
