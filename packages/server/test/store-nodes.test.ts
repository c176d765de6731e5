// Whole servers on a store: two nodes sharing one private PostgreSQL see the same channels, credentials,
// channel cap and lockouts; a SQLite node keeps its lockouts across a restart; frames sent right behind
// the login (which waits on the store) are answered after login_ok, in order; `sealpeer-server migrate`.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresInstance, startPostgres } from '../../../test-support/postgres.ts';
import { migrateMain } from '../src/migrate-cli.ts';
import { LATEST_VERSION } from '../src/store/migrations.ts';
import {
  Client,
  createChannel,
  credential,
  http,
  login,
  loginFrame,
  refusedUpgrade,
  start,
  type TestServer,
  tempDir,
} from './helpers.ts';

const bin = join(fileURLToPath(import.meta.url), '../../bin/sealpeer-server.js');
const LOCKOUT = { lockoutFailures: 3, lockoutMs: 60_000, lockoutWindowMs: 60_000 };

let pg: PostgresInstance;
const servers: TestServer[] = [];
const dirs: string[] = [];
beforeAll(async () => {
  pg = await startPostgres();
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
afterAll(async () => {
  await pg?.stop();
});

async function node(opts: Parameters<typeof start>[0]): Promise<TestServer> {
  const s = await start(opts);
  servers.push(s);
  return s;
}

async function failLogins(s: TestServer, clientId: string, sessionId: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const c = await Client.open(s.wsUrl);
    c.send({ type: 'login', clientId, password: `wrong${i}`, sessionId });
    expect(await c.next()).toMatchObject({ type: 'error', code: 'auth_failed' });
    await c.closed;
  }
}

describe('two nodes on one PostgreSQL store', () => {
  it('share channels and credentials: made on one node, listed and logged in on the other', async () => {
    const store = await pg.createDatabase();
    const a = await node({ store });
    const b = await node({ store });
    const ch = await createChannel(a, true, 'shared');
    expect((await http(b.url, 'GET', '/api/channels')).body.channels).toContainEqual({
      channelId: ch,
      name: 'shared',
      peers: 0,
    });
    const cred = await credential(a, ch);
    (await login(b, cred)).close();
    // The same session asked on the other node keeps its clientId.
    expect((await credential(b, ch, cred.sessionId)).clientId).toBe(cred.clientId);
    expect((await http(b.adminUrl!, 'GET', '/admin/stats')).body).toMatchObject({
      channels: 1,
      credentials: 1,
    });
    expect(a.logs.find((l) => l.msg === 'listening')?.store).toBe(store);
  });

  it('hold the channel cap together: credentials asked on both nodes at once never exceed it', async () => {
    const store = await pg.createDatabase();
    const limits = { maxClientsPerChannel: 5, credentialsPerMinute: 100 };
    const a = await node({ store, limits });
    const b = await node({ store, limits });
    const ch = await createChannel(a);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        http((i % 2 ? a : b).url, 'POST', `/api/channels/${ch}/sessions`, { sessionId: crypto.randomUUID() }),
      ),
    );
    expect(answers.filter((r) => r.status === 200)).toHaveLength(5);
    expect(answers.filter((r) => r.status === 409 && r.body.error.code === 'channel_full')).toHaveLength(7);
  });

  it('share lockouts: failures on one node lock the IP out on the other, and a new node knows at start', async () => {
    const store = await pg.createDatabase();
    const a = await node({ store, limits: LOCKOUT });
    const b = await node({ store, limits: LOCKOUT });
    const cred = await credential(a, await createChannel(a));
    await failLogins(a, cred.clientId, cred.sessionId, LOCKOUT.lockoutFailures);
    expect((await refusedUpgrade(a.wsUrl)).body.error.code).toBe('locked_out');
    // b's upgrade check has not heard of it; its login asks the store and refuses, right password or not.
    const c = await Client.open(b.wsUrl);
    c.send(loginFrame(cred));
    expect(await c.next()).toMatchObject({ type: 'error', code: 'locked_out' });
    expect((await c.closed).code).toBe(4429);
    expect((await refusedUpgrade(b.wsUrl)).status).toBe(429);
    const turned = await node({ store, limits: LOCKOUT });
    expect((await refusedUpgrade(turned.wsUrl)).body.error.code).toBe('locked_out');
  });

  it('share bans: a ban set through one node closes and refuses on the other within the refresh', async () => {
    const store = await pg.createDatabase();
    const a = await node({ store });
    const b = await node({ store });
    const cred = await credential(a, await createChannel(a));
    const onB = await login(b, cred);
    const ban = { kind: 'credential', target: cred.clientId, duration: '1h', reason: 'shared' };
    expect((await http(a.adminUrl!, 'POST', '/admin/bans', ban)).status).toBe(201);
    // Node b re-reads the bans every 5 s and closes the socket the ban covers.
    expect(await onB.next(8000)).toMatchObject({ type: 'error', code: 'banned' });
    expect((await onB.closed).code).toBe(4403);
    const retry = await Client.open(b.wsUrl);
    retry.send(loginFrame(cred));
    expect(await retry.next()).toMatchObject({ code: 'banned' });
    expect((await http(b.adminUrl!, 'GET', '/admin/bans')).body.bans).toEqual([
      expect.objectContaining({ kind: 'credential', target: cred.clientId, reason: 'shared' }),
    ]);
    // Lifted on b: a logs in again once its copy is refreshed.
    const lift = await http(b.adminUrl!, 'POST', '/admin/bans/lift', {
      kind: 'credential',
      target: cred.clientId,
    });
    expect(lift.body).toEqual({ lifted: true });
    const deadline = Date.now() + 8000;
    for (;;) {
      const c = await Client.open(a.wsUrl);
      c.send(loginFrame(cred));
      const f = await c.next();
      c.close();
      if (f.type === 'login_ok') break;
      expect(f.code).toBe('banned');
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 500));
    }
  });
});

describe('a PostgreSQL outage', () => {
  it('refuses logins with internal_error (1011) and API calls with 500, and the node keeps running', async () => {
    const own = await startPostgres();
    try {
      const s = await node({ store: await own.createDatabase() });
      const ch = await createChannel(s);
      const cred = await credential(s, ch);
      await own.stop();
      const c = await Client.open(s.wsUrl);
      c.send(loginFrame(cred));
      expect(await c.next()).toMatchObject({ type: 'error', code: 'internal_error' });
      expect((await c.closed).code).toBe(1011);
      const r = await http(s.url, 'POST', `/api/channels/${ch}/sessions`, { sessionId: crypto.randomUUID() });
      expect(r.status).toBe(500);
      expect(r.body.error.code).toBe('internal_error');
      expect(r.text).not.toMatch(/ECONNREFUSED|postgres/i);
      expect(s.logs.some((l) => l.event === 'store_error' && l.op === 'login')).toBe(true);
      expect((await http(s.adminUrl!, 'GET', '/healthz')).status).toBe(200);
    } finally {
      await own.stop();
    }
  });
});

describe('a SQLite node', () => {
  it('keeps a lockout across a restart', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    let s = await start({ dataDir, limits: LOCKOUT });
    const cred = await credential(s, await createChannel(s));
    await failLogins(s, cred.clientId, cred.sessionId, LOCKOUT.lockoutFailures);
    await s.stop();
    s = await node({ dataDir, limits: LOCKOUT });
    const refused = await refusedUpgrade(s.wsUrl);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('locked_out');
  });

  it('answers frames sent right behind the login after login_ok, in order', async () => {
    const s = await node({});
    const cred = await credential(s, await createChannel(s));
    const c = await Client.open(s.wsUrl);
    // Back to back: read in one chunk, before the login's store call has answered (the login holds them).
    c.send(loginFrame(cred));
    c.send({ type: 'echo', data: 'one', id: '1' });
    c.send({ type: 'echo', data: 'two', id: '2' });
    expect(await c.next()).toMatchObject({ type: 'login_ok' });
    expect(await c.next()).toMatchObject({ type: 'echo', data: 'one', ref: '1' });
    expect(await c.next()).toMatchObject({ type: 'echo', data: 'two', ref: '2' });
    c.close();
  });

  it('drops frames sent behind a failed login: nothing is relayed for it', async () => {
    const s = await node({});
    const ch = await createChannel(s);
    const peer = await login(s, await credential(s, ch));
    peer.send({ type: 'subscribe' });
    expect(await peer.next()).toMatchObject({ type: 'peers' });
    const cred = await credential(s, ch);
    const c = await Client.open(s.wsUrl);
    c.send({ type: 'login', clientId: cred.clientId, password: 'wrong', sessionId: cred.sessionId });
    c.send({ type: 'publish', data: 'sneaked' });
    expect(await c.next()).toMatchObject({ type: 'error', code: 'auth_failed' });
    expect((await c.closed).code).toBe(4401);
    await peer.nothing(200);
    peer.close();
  });
});

describe('sealpeer-server migrate', () => {
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, o: (s: string) => out.push(s), e: (s: string) => err.push(s) };
  };

  it('migrates a PostgreSQL store once (env SEALPEER_STORE), then has nothing to do', async () => {
    const url = await pg.createDatabase();
    const first = capture();
    expect(await migrateMain([], { SEALPEER_STORE: url }, first.o, first.e)).toBe(0);
    expect(first.out.join('')).toContain(`schema 0 -> ${LATEST_VERSION}, applied:`);
    const again = capture();
    expect(await migrateMain(['--store', url], {}, again.o, again.e)).toBe(0);
    expect(again.out.join('')).toContain(`already at version ${LATEST_VERSION}, nothing to do`);
    // A server on the migrated database starts without migrating anything more.
    await node({ store: url });
  });

  it('says what to check when the database cannot be used, without the password (exit 1)', async () => {
    const r = capture();
    const code = await migrateMain(
      ['--store', `postgres://u:hunter2@127.0.0.1:${pg.port + 0}/nope`],
      {},
      r.o,
      r.e,
    );
    expect(code).toBe(1);
    expect(r.err.join('')).toMatch(/sealpeer-server migrate: postgres:\/\/u@127\.0\.0\.1:\d+\/nope: .+/);
    expect(r.err.join('')).not.toContain('hunter2');
  });

  it('the binary: migrate --help (exit 0) and a bad option (exit 2)', async () => {
    const runBin = (args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
        });
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString();
        });
        child.on('exit', (code) => resolve({ code, out, err }));
      });
    const [help, bad] = await Promise.all([
      runBin(['migrate', '--help']),
      runBin(['migrate', '--port', '1']),
    ]);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/Usage: sealpeer-server migrate/);
    expect(help.out).toMatch(/--store sqlite\|URL .*env SEALPEER_STORE/);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown option '--port'/);
  }, 90_000);
});
