// Operator controls (docs/operators/admin.md): every `sealpeer-server admin` command run as the real CLI
// against a real server on loopback, what it does to real sockets, and what it refuses.
import { rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { adminCli, httpFrom, wsFrom } from './admin-support.ts';
import {
  Client,
  type Cred,
  createChannel,
  credential,
  http,
  joined,
  login,
  loginFrame,
  start,
  type TestServer,
  tempDir,
} from './helpers.ts';

/** Each CLI run starts node + tsx: slow on a busy machine. */
const SLOW = 120_000;

let s: TestServer;
beforeAll(async () => {
  s = await start();
});
afterAll(() => s.stop());

const admin = (args: string[], env?: Record<string, string>) => adminCli(s.adminUrl, args, env);
const actions = (action: string) => s.logs.filter((l) => l.event === 'admin_action' && l.action === action);

/** Logs `cred` in from a socket bound to `from`; returns the socket after login_ok. */
async function loginFrom(from: string, cred: Cred): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  const r = await wsFrom(from, s.wsUrl);
  if (!r.open) throw new Error(`not open: ${JSON.stringify(r)}`);
  const closed = new Promise<number>((res) => r.ws.once('close', (code) => res(code)));
  const first = new Promise<string>((res) => r.ws.once('message', (d) => res(d.toString())));
  r.ws.send(JSON.stringify({ type: 'login', ...cred, expiresAt: undefined, channelId: undefined }));
  expect(JSON.parse(await first).type).toBe('login_ok');
  return { ws: r.ws, closed };
}

describe('sealpeer-server admin: usage', () => {
  it(
    '--help lists every command; bad usage exits 2 saying what is wrong; an unreachable listener exits 1',
    async () => {
      const help = await adminCli(undefined, ['--help']);
      expect(help.code).toBe(0);
      for (const c of [
        'clients',
        'kick',
        'ban ip',
        'ban credential',
        'bans',
        'unban',
        'purge-channel',
        'limits set',
      ])
        expect(help.out).toContain(c);
      expect(help.out).toContain('SEALPEER_ADMIN_URL');
      const bad: Array<[string[], RegExp]> = [
        [[], /a command is missing/],
        [['frobnicate'], /unknown command 'frobnicate'/],
        [['ban', 'ip', '203.0.113.1'], /--for/],
        [['ban', 'host', 'x', '--for', '1h'], /ip or credential/],
        [['kick'], /usage: sealpeer-server admin kick CLIENT_ID/],
        [['limits', 'set', 'messageRate'], /KEY=VALUE/],
        [['limits', 'set', 'messageRate=fast'], /whole number/],
        [['clients', '--admin-url', 'ftp://x'], /--admin-url wants an http/],
        [['clients', '--bogus'], /unknown option '--bogus'/],
      ];
      const runs = await Promise.all(bad.map(([args]) => adminCli(undefined, args)));
      runs.forEach((r, i) => {
        expect(r.code, bad[i]![0].join(' ')).toBe(2);
        expect(r.err).toMatch(bad[i]![1]);
      });
      // A port nobody listens on any more; the URL comes from the environment here.
      const gone = createServer();
      await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
      const port = (gone.address() as AddressInfo).port;
      await new Promise((r) => gone.close(r));
      const down = await adminCli(undefined, ['clients'], { SEALPEER_ADMIN_URL: `http://127.0.0.1:${port}` });
      expect(down.code).toBe(1);
      expect(down.err).toContain(
        `cannot reach the admin listener at http://127.0.0.1:${port} (ECONNREFUSED)`,
      );
      expect(down.err).toContain('--admin-port');
    },
    SLOW,
  );
});

describe('sealpeer-server admin: a wrong --admin-url', () => {
  it(
    'the public port, or another JSON service: exit 1 saying what to check, no crash',
    async () => {
      const pub = await adminCli(s.url, ['clients']);
      expect(pub.code).toBe(1);
      expect(pub.err).toMatch(/not_found: .*not the public port/);
      const other = createHttpServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end('{"channels":"many","bans":[1]}');
      });
      await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
      try {
        const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
        for (const args of [['clients'], ['bans'], ['limits']]) {
          const r = await adminCli(url, args);
          expect(r.code, args[0]).toBe(1);
          expect(r.err).toMatch(/something other than a sealpeer admin answer/);
          expect(r.err).not.toMatch(/TypeError|at /);
        }
      } finally {
        other.close();
      }
    },
    SLOW,
  );
});

describe('sealpeer-server admin: commands on a real server', () => {
  it(
    'clients lists channels and clients (id, IP, connected-since), never a password',
    async () => {
      const a = await joined(s);
      const b = await joined(s, a.cred.channelId);
      const other = await joined(s);
      const r = await admin(['clients', '--json']);
      expect(r.code).toBe(0);
      const ch = r.json.channels.find((c: { channelId: string }) => c.channelId === a.cred.channelId);
      expect(ch.clients.map((c: { clientId: string }) => c.clientId).sort()).toEqual(
        [a.cred.clientId, b.cred.clientId].sort(),
      );
      expect(ch.clients[0]).toMatchObject({ ip: '127.0.0.1' });
      expect(Date.parse(ch.clients[0].connectedAt)).toBeGreaterThan(Date.now() - 60_000);
      expect(r.json.channels.some((c: { channelId: string }) => c.channelId === other.cred.channelId)).toBe(
        true,
      );
      const text = await admin(['clients']);
      expect(text.code).toBe(0);
      expect(text.out).toContain(`channel ${a.cred.channelId}`);
      expect(text.out).toContain(a.cred.clientId);
      for (const out of [r.out, text.out])
        for (const secret of [a.cred.password, b.cred.password, a.cred.sessionId])
          expect(out).not.toContain(secret);
      for (const c of [a, b, other]) c.client.close();
    },
    SLOW,
  );

  it(
    'kick closes the client with 4410 kicked and logs the action; an unknown client is client_not_found',
    async () => {
      const { client, cred } = await joined(s);
      const r = await admin(['kick', cred.clientId]);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`kicked ${cred.clientId}`);
      expect(await client.next()).toMatchObject({ type: 'error', code: 'kicked' });
      expect(await client.closed).toEqual({ code: 4410, reason: 'kicked' });
      expect(actions('kick').at(-1)).toMatchObject({ clientId: cred.clientId, ip: '127.0.0.1' });
      // It may reconnect: a kick is not a ban.
      (await login(s, cred)).close();
      const unknown = await admin(['kick', '00000000-0000-4000-8000-000000000000']);
      expect(unknown.code).toBe(1);
      expect(unknown.err).toMatch(/client_not_found/);
      const notUuid = await admin(['kick', 'x; DROP TABLE']);
      expect(notUuid.code).toBe(1);
      expect(notUuid.err).toMatch(/invalid_request/);
    },
    SLOW,
  );

  it(
    "ban ip cuts the range's sockets (4403), refuses it at accept, lists it; unban lets it in again",
    async () => {
      const ch = await createChannel(s);
      const victim = await loginFrom('127.0.0.2', await credential(s, ch));
      const bystander = await joined(s, ch);
      const r = await admin(['ban', 'ip', '127.0.0.2', '--for', '1h', '--reason', 'abuse']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/banned ip 127\.0\.0\.2\/32 until .* \(abuse\); 1 socket\(s\) disconnected/);
      expect(await victim.closed).toBe(4403);
      // Cut before a byte is read: no HTTP answer at all, for plain requests and upgrades alike.
      await expect(httpFrom('127.0.0.2', s.url, 'GET', '/healthz')).rejects.toThrow();
      expect((await wsFrom('127.0.0.2', s.wsUrl)).open).toBe(false);
      expect((await httpFrom('127.0.0.3', s.url, 'GET', '/healthz')).status).toBe(200);
      bystander.client.send({ type: 'echo', data: 'still here' });
      expect(await bystander.client.next()).toMatchObject({ type: 'echo', data: 'still here' });
      const refused = s.logs.filter((l) => l.event === 'ip_refused' && l.ip === '127.0.0.2');
      expect(refused.map((l) => l.on)).toContain('tcp');
      expect(s.logs.find((l) => l.event === 'ban_enforced')).toMatchObject({ ip: '127.0.0.2' });
      const list = await admin(['bans', '--json']);
      expect(list.json.bans).toEqual([
        expect.objectContaining({ kind: 'ip', target: '127.0.0.2/32', reason: 'abuse' }),
      ]);
      const lift = await admin(['unban', 'ip', '127.0.0.2']);
      expect(lift.code).toBe(0);
      expect((await httpFrom('127.0.0.2', s.url, 'GET', '/healthz')).status).toBe(200);
      const again = await admin(['unban', 'ip', '127.0.0.2']);
      expect(again.code).toBe(1);
      expect(again.err).toMatch(/ban_not_found/);
      expect(actions('ban').at(-1)).toMatchObject({ kind: 'ip', target: '127.0.0.2/32' });
      expect(actions('unban').at(-1)).toMatchObject({ kind: 'ip', target: '127.0.0.2/32' });
      bystander.client.close();
    },
    SLOW,
  );

  it(
    'ban refuses a bad CIDR, host bits, a bad or out-of-range duration, a non-UUID credential',
    async () => {
      const cases: Array<[string[], RegExp]> = [
        [['ban', 'ip', '300.1.1.1', '--for', '1h'], /invalid_cidr/],
        [['ban', 'ip', '10.0.0.1/8', '--for', '1h'], /invalid_cidr: .*host bits/],
        [['ban', 'ip', '2001:db8::/129', '--for', '1h'], /invalid_cidr/],
        [['ban', 'ip', '10.0.0.0/8', '--for', 'forever'], /invalid_duration/],
        [['ban', 'ip', '10.0.0.0/8', '--for', '0s'], /invalid_duration/],
        [['ban', 'ip', '10.0.0.0/8', '--for', '366d'], /invalid_duration/],
        [['ban', 'credential', 'not-a-uuid', '--for', '1h'], /invalid_request/],
        [['ban', 'ip', '10.0.0.0/8', '--for', '1h', '--reason', 'line\nbreak'], /invalid_request/],
      ];
      const runs = await Promise.all(cases.map(([args]) => admin(args)));
      runs.forEach((r, i) => {
        expect(r.code, cases[i]![0].join(' ')).toBe(1);
        expect(r.err).toMatch(cases[i]![1]);
      });
      expect((await admin(['bans', '--json'])).json.bans).toEqual([]);
    },
    SLOW,
  );

  it(
    'ban credential cuts its socket and refuses its logins (4403, logged), other credentials unaffected',
    async () => {
      const { client, cred } = await joined(s);
      const r = await admin(['ban', 'credential', cred.clientId, '--for', '10m']);
      expect(r.code).toBe(0);
      expect(await client.next()).toMatchObject({ type: 'error', code: 'banned' });
      expect((await client.closed).code).toBe(4403);
      const retry = await Client.open(s.wsUrl);
      retry.send(loginFrame(cred));
      expect(await retry.next()).toMatchObject({ type: 'error', code: 'banned' });
      expect((await retry.closed).code).toBe(4403);
      expect(s.logs.find((l) => l.event === 'banned_login')).toMatchObject({
        ip: '127.0.0.1',
        clientId: cred.clientId,
      });
      (await joined(s, cred.channelId)).client.close();
      expect((await admin(['unban', 'credential', cred.clientId])).code).toBe(0);
      (await login(s, cred)).close();
    },
    SLOW,
  );

  it(
    'purge-channel disconnects its members (4404) and deletes the channel and its credentials',
    async () => {
      const a = await joined(s);
      const b = await joined(s, a.cred.channelId);
      const r = await admin(['purge-channel', a.cred.channelId, '--json']);
      expect(r.code).toBe(0);
      expect(r.json).toEqual({ deleted: true, credentials: 2, disconnected: 2 });
      for (const c of [a, b]) expect(await c.client.closed).toEqual({ code: 4404, reason: 'channel_purged' });
      expect((await http(s.url, 'GET', `/api/channels/${a.cred.channelId}`)).status).toBe(404);
      const retry = await Client.open(s.wsUrl);
      retry.send(loginFrame(a.cred));
      expect(await retry.next()).toMatchObject({ code: 'auth_failed' });
      const again = await admin(['purge-channel', a.cred.channelId]);
      expect(again.code).toBe(1);
      expect(again.err).toMatch(/channel_not_found/);
      const bad = await admin(['purge-channel', '../../admin/purge']);
      expect(bad.code).toBe(1);
      expect(actions('purge_channel')).toHaveLength(1);
    },
    SLOW,
  );

  it(
    'limits shows every limit; limits set changes runtime ones at once and refuses out-of-range values',
    async () => {
      const shown = await admin(['limits', '--json']);
      expect(shown.code).toBe(0);
      expect(shown.json.limits.maxClientsPerChannel).toBe(256);
      expect(shown.json.changeable.maxClientsPerChannel).toEqual({ min: 1, max: 1_000_000 });
      expect(shown.json.changeable.maxFrameBytes).toBeUndefined();
      const set = await admin(['limits', 'set', 'maxClientsPerChannel=1', 'loginTimeoutMs=5s', '--json']);
      expect(set.code).toBe(0);
      expect(set.json.limits).toMatchObject({ maxClientsPerChannel: 1, loginTimeoutMs: 5000 });
      const ch = await createChannel(s);
      await credential(s, ch);
      const full = await http(s.url, 'POST', `/api/channels/${ch}/sessions`, {
        sessionId: crypto.randomUUID(),
      });
      expect(full.body.error.code).toBe('channel_full');
      const refused: Array<[string[], RegExp]> = [
        [
          ['limits', 'set', 'maxClientsPerChannel=0'],
          /limit_out_of_range: maxClientsPerChannel must be .* 1 to 1000000/,
        ],
        [['limits', 'set', 'maxDataBytes=70000'], /limit_out_of_range/],
        [['limits', 'set', 'maxFrameBytes=1'], /invalid_request/],
        [['limits', 'set', 'messageRate=5', 'maxInvalidFrames=0'], /limit_out_of_range/],
      ];
      for (const [args, pattern] of refused) {
        const r = await admin(args);
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.err).toMatch(pattern);
      }
      // All or nothing: messageRate did not change with the refused maxInvalidFrames.
      const after = await admin(['limits', 'set', 'maxClientsPerChannel=256']);
      expect(after.code).toBe(0);
      expect(after.out).toMatch(/messageRate\s+50 /);
      expect(actions('limits').at(0)).toMatchObject({
        changed: [
          { key: 'maxClientsPerChannel', from: 256, to: 1 },
          { key: 'loginTimeoutMs', from: 10_000, to: 5000 },
        ],
      });
    },
    SLOW,
  );
});

describe('sessions per credential', () => {
  it('8 parallel logins of one credential leave one live socket (protocol 1.6), as the client list shows', async () => {
    const ch = await createChannel(s);
    const cred = await credential(s, ch);
    const sockets = await Promise.all(Array.from({ length: 8 }, () => Client.open(s.wsUrl)));
    for (const c of sockets) c.send(loginFrame(cred));
    const closed = await Promise.all(
      sockets.map((c) => Promise.race([c.closed, new Promise((r) => setTimeout(() => r('open'), 3000))])),
    );
    expect(closed.filter((c) => c === 'open')).toHaveLength(1);
    expect(closed.filter((c) => c !== 'open')).toEqual(Array(7).fill({ code: 4409, reason: 'punt' }));
    const list = (await http(s.adminUrl!, 'GET', '/admin/clients')).body;
    const mine = list.channels.find((c: { channelId: string }) => c.channelId === ch);
    expect(mine.clients).toHaveLength(1);
    for (const c of sockets) c.close();
  });
});

describe('admin listener boundaries', () => {
  it('admin routes answer 404 on the public listener, whatever the headers', async () => {
    const { cred, client } = await joined(s);
    for (const [method, path] of [
      ['GET', '/admin/clients'],
      ['POST', '/admin/kick'],
      ['GET', '/admin/bans'],
      ['POST', '/admin/bans'],
      ['PATCH', '/admin/limits'],
      ['POST', `/admin/channels/${cred.channelId}/purge`],
    ] as const) {
      const body = method === 'GET' ? undefined : { clientId: cred.clientId };
      const r = await http(s.url, method, path, body, { 'x-forwarded-for': '127.0.0.1', host: '127.0.0.1' });
      expect(r.status, path).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    }
    client.send({ type: 'echo', data: 'not kicked' });
    expect(await client.next()).toMatchObject({ data: 'not kicked' });
    client.close();
  });

  it('refuses a browser page (Origin) and DNS rebinding (Host), and non-JSON bodies', async () => {
    const admin = s.adminUrl!;
    const withOrigin = await http(admin, 'GET', '/admin/clients', undefined, {
      origin: 'https://evil.example',
    });
    expect(withOrigin.status).toBe(403);
    expect(withOrigin.body.error.code).toBe('origin_not_allowed');
    const port = new URL(admin).port;
    const rebound = await httpFrom('127.0.0.1', admin, 'GET', '/admin/bans', undefined, {
      host: `evil.example:${port}`,
    });
    expect(rebound.status).toBe(403);
    const plain = await http(admin, 'POST', '/admin/kick', 'clientId=x', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(plain.body.error.code).toBe('unsupported_media_type');
    const ok = await httpFrom('127.0.0.1', admin, 'GET', '/admin/bans', undefined, {
      host: `localhost:${port}`,
    });
    expect(ok.status).toBe(200);
    expect(s.logs.some((l) => l.event === 'admin_refused')).toBe(true);
  });

  it('admin routes refuse malformed bodies with registry codes, storing nothing', async () => {
    const admin = s.adminUrl!;
    const cases: Array<[string, string, unknown, number, string]> = [
      [
        'POST',
        '/admin/bans',
        { kind: 'ip', target: '10.0.0.0/8', duration: '1h', extra: 1 },
        400,
        'invalid_request',
      ],
      ['POST', '/admin/bans', { kind: 'host', target: '10.0.0.0/8', duration: '1h' }, 400, 'invalid_request'],
      ['POST', '/admin/bans', { kind: 'ip', target: 7, duration: '1h' }, 400, 'invalid_request'],
      [
        'POST',
        '/admin/bans',
        { kind: 'ip', target: 'x'.repeat(129), duration: '1h' },
        400,
        'invalid_request',
      ],
      ['POST', '/admin/bans', '{"kind":"ip",', 400, 'invalid_request'],
      [
        'POST',
        '/admin/bans',
        { kind: 'ip', target: '10.0.0.0/8', duration: '1h', reason: 'r'.repeat(20_000) },
        413,
        'payload_too_large',
      ],
      ['POST', '/admin/kick', {}, 400, 'invalid_request'],
      ['POST', '/admin/bans/lift', { kind: 'ip', target: 'not an ip' }, 404, 'ban_not_found'],
      ['PATCH', '/admin/limits', {}, 400, 'invalid_request'],
      ['PATCH', '/admin/limits', { messageRate: '5' }, 400, 'invalid_request'],
      ['PATCH', '/admin/limits', { messageRate: 1.5 }, 400, 'invalid_request'],
      ['GET', '/admin/nope', undefined, 404, 'not_found'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const r = await http(admin, method, path, body);
      expect(r.status, `${method} ${path} ${JSON.stringify(body)?.slice(0, 80)}`).toBe(status);
      expect(r.body.error.code).toBe(code);
    }
    expect((await http(admin, 'GET', '/admin/bans')).body.bans).toEqual([]);
    expect((await http(admin, 'GET', '/admin/limits')).body.limits.messageRate).toBe(50);
  });

  it(
    'bans live in the store: they survive a restart and apply to the restarted server',
    async () => {
      const dataDir = tempDir();
      const first = await start({ dataDir });
      const r = await adminCli(first.adminUrl, ['ban', 'ip', '127.0.0.4', '--for', '1h']);
      expect(r.code).toBe(0);
      await first.stop();
      const second = await start({ dataDir });
      try {
        const list = await adminCli(second.adminUrl, ['bans']);
        expect(list.out).toMatch(/^ip 127\.0\.0\.4\/32 until /);
        await expect(httpFrom('127.0.0.4', second.url, 'GET', '/healthz')).rejects.toThrow();
        expect((await httpFrom('127.0.0.1', second.url, 'GET', '/healthz')).status).toBe(200);
      } finally {
        await second.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    SLOW,
  );
});
