// `sealpeer-server --workers 2` (issue #17, item 3) as a real process on a private PostgreSQL store and
// Redis bus: both workers listen on the one port, connections are spread over them, clients on
// different workers reach each other (send, publish, presence), each worker's admin port counts its own
// logins, and SIGTERM stops everything with 1001 and exit 0. Without a bus, --workers is refused.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresInstance, startPostgres } from '../../../test-support/postgres.ts';
import { type RedisInstance, startRedis } from '../../../test-support/redis.ts';
import { type Client, createChannel, credential, http, type Loose, login } from './helpers.ts';

const bin = join(fileURLToPath(import.meta.url), '../../bin/sealpeer-server.js');

let pg: PostgresInstance;
let redis: RedisInstance;
const children: ChildProcess[] = [];
beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await redis?.stop();
  await pg?.stop();
});

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A free port P with P+1 free too (the second worker's admin port). */
async function freePair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await portFree(p)) && (await portFree(p + 1))) return p;
  }
  throw new Error('no free port pair');
}

function run(args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const logs: Loose[] = [];
  let err = '';
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const l of lines) if (l.trim()) logs.push(JSON.parse(l));
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, logs, exited, stderr: () => err };
}

async function until<T>(f: () => T | undefined, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('sealpeer-server --workers 2', () => {
  it('spreads connections over both workers, which reach each other; SIGTERM stops all with 1001, exit 0', async () => {
    const store = await pg.createDatabase();
    const admin = await freePair();
    const p = run([
      '--workers',
      '2',
      '--port',
      '0',
      '--admin-port',
      String(admin),
      '--store',
      store,
      '--bus',
      redis.url,
      '--bus-heartbeat',
      '200ms',
      '--data-dir',
      '/nonexistent-unused',
      '--app-dir',
      '/nonexistent-app',
      '--message-rate',
      '10000',
      '--message-burst',
      '10000',
      '--credential-rate',
      '10000',
    ]);
    const listening = await until(() => {
      const l = p.logs.filter((x) => x.msg === 'listening');
      return l.length === 2 ? l : undefined;
    }, `two workers listening (${p.stderr()})`);
    expect(new Set(listening.map((l) => l.pid)).size).toBe(2);
    expect(listening[0].url).toBe(listening[1].url);
    const s = { url: listening[0].url as string, wsUrl: listening[0].wsUrl as string };
    const ch = await createChannel(s);
    const creds = [];
    const clients: Client[] = [];
    for (let i = 0; i < 4; i++) {
      const cred = await credential(s, ch);
      const c = await login(s, cred);
      c.send({ type: 'subscribe' });
      expect((await c.next()).type).toBe('peers');
      creds.push(cred);
      clients.push(c);
      for (const earlier of clients.slice(0, -1))
        expect(await earlier.next(5000)).toEqual({
          type: 'presence',
          event: 'join',
          clientId: cred.clientId,
        });
    }
    // Every pair, both ways, whichever workers they landed on.
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) {
        if (i === j) continue;
        clients[i]!.send({ type: 'send', to: creds[j]!.clientId, data: `${i}→${j}` });
        expect(await clients[j]!.next(5000)).toEqual({
          type: 'message',
          from: creds[i]!.clientId,
          data: `${i}→${j}`,
        });
      }
    clients[0]!.send({ type: 'publish', data: 'all' });
    for (const c of clients.slice(1))
      expect(await c.next(5000)).toMatchObject({ type: 'publish', data: 'all' });
    // Each worker counted some of the logins on its own admin port.
    const ok = async (port: number) => {
      const m = (await http(`http://127.0.0.1:${port}`, 'GET', '/metrics')).text;
      return Number(/sealpeer_logins_total\{result="ok"\} (\d+)/.exec(m)?.[1] ?? 0);
    };
    const [w0, w1] = [await ok(admin), await ok(admin + 1)];
    expect(w0 + w1).toBe(4);
    expect(w0).toBeGreaterThan(0);
    expect(w1).toBeGreaterThan(0);

    p.child.kill('SIGTERM');
    for (const c of clients) expect((await c.closed).code).toBe(1001);
    expect(await p.exited).toBe(0);
  });

  it('is refused without a bus (exit 2, says what to add)', async () => {
    const p = run(['--workers', '2', '--port', '0']);
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toMatch(/--workers needs the bus .* --bus redis:\/\/.* --store postgres:\/\//);
  });
});
