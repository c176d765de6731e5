// The hostile-load harness's building blocks (issue 18, item 1): raw sockets and WebSocket clients from
// chosen 127.x source addresses, a legitimate client that logs in and relays while an attack runs, and
// the row every attack reports. Loopback only; every loop is bounded.
import { readdirSync, readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { rawConnect, readReply } from '../../test-support/raw-http.ts';

/** Frames and replies the harness reads field by field. */
// biome-ignore lint/suspicious/noExplicitAny: the one loose type of the harness
export type Loose = any;

export interface Row {
  attack: string;
  size: string;
  serverDid: string;
  legitP99Ms: number | null;
  bound: string;
  pass: boolean;
}

/** The n-th attacker address: 127.<block>.x.y, never 127.0.0.1 (the legitimate client's). */
export function addr(block: number, n: number): string {
  return `127.${block}.${Math.floor(n / 250) + 1}.${(n % 250) + 1}`;
}

export function p99(ms: number[]): number {
  if (ms.length === 0) return Number.NaN;
  const s = [...ms].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]! * 10) / 10;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function post(
  url: string,
  body: unknown,
  localAddress?: string,
): Promise<{ status: number; body: Loose }> {
  const { request } = await import('node:http');
  const u = new URL(url);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => void readReply(res).then((r) => resolve({ status: r.status, body: r.body as Loose })),
    );
    req.on('error', reject);
    req.end(data);
  });
}

export interface Cred {
  clientId: string;
  password: string;
  sessionId: string;
}

export async function credential(url: string, channelId: string, localAddress?: string): Promise<Cred> {
  const sessionId = crypto.randomUUID();
  const r = await post(`${url}/api/channels/${channelId}/sessions`, { sessionId }, localAddress);
  if (r.status !== 200) throw new Error(`credential: ${r.status} ${JSON.stringify(r.body)}`);
  return { ...r.body, sessionId };
}

/** A socket that has logged in; `frames` collects what it receives, `closed` its close code. */
export interface Sock {
  ws: WebSocket;
  frames: Loose[];
  closed: Promise<number>;
  next(pred: (f: Loose) => boolean, ms?: number): Promise<Loose>;
}

export function openWs(wsUrl: string, localAddress = '127.0.0.1'): Promise<Sock> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { localAddress, perMessageDeflate: false });
    const frames: Loose[] = [];
    const waiters: Array<() => void> = [];
    ws.on('message', (d) => {
      try {
        frames.push(JSON.parse(d.toString()));
      } catch {
        frames.push(d.toString());
      }
      for (const w of waiters.splice(0)) w();
    });
    const closed = new Promise<number>((r) =>
      ws.on('close', (code) => {
        for (const w of waiters.splice(0)) w();
        r(code);
      }),
    );
    ws.on('error', reject);
    ws.on('open', () => {
      ws.removeListener('error', reject);
      ws.on('error', () => {});
      resolve({
        ws,
        frames,
        closed,
        async next(pred, ms = 5000) {
          const end = Date.now() + ms;
          for (;;) {
            const i = frames.findIndex(pred);
            if (i >= 0) return frames.splice(i, 1)[0];
            if (ws.readyState > 1 || Date.now() > end) throw new Error('no such frame');
            await new Promise<void>((r) => {
              waiters.push(r);
              setTimeout(r, 50);
            });
          }
        },
      });
    });
  });
}

/** Exactly the login frame's fields (a credential answer carries more, which the relay refuses). */
export function loginFrame(c: Cred, password = c.password) {
  return { type: 'login', clientId: c.clientId, password, sessionId: c.sessionId };
}

export async function login(wsUrl: string, c: Cred, localAddress?: string): Promise<Sock> {
  const s = await openWs(wsUrl, localAddress);
  s.ws.send(JSON.stringify(loginFrame(c)));
  await s.next((f) => f.type === 'login_ok' || f.type === 'error');
  return s;
}

/**
 * The legitimate client: every round opens a socket, logs in, sends one message to a steady peer and
 * waits for it to arrive, then closes. Runs until stop() and returns the rounds' latencies and failures.
 */
export function legitimate(url: string, wsUrl: string, a: Cred, peer: Sock, peerId: string) {
  const ms: number[] = [];
  let failures = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      try {
        const s = await login(wsUrl, a);
        const tag = `m${ms.length}`;
        s.ws.send(JSON.stringify({ type: 'send', to: peerId, data: tag }));
        await peer.next((f) => f.type === 'message' && f.data === tag);
        s.ws.close();
        ms.push(performance.now() - t0);
      } catch {
        failures++;
        await sleep(50);
      }
      await sleep(20);
    }
  })();
  void url;
  return {
    async stop() {
      running = false;
      await loop;
      return { ms, failures };
    },
  };
}

/**
 * `n` half-sent requests (headers never end) from `ips` addresses, held `waitMs`: how many the server
 * answered 408 and closed (header timeout), and how many it closed at accept without a byte (per-IP cap).
 */
export async function slowloris(
  url: string,
  n: number,
  ips: number,
  block: number,
  head: string,
  waitMs: number,
) {
  const conns = await Promise.all(
    Array.from({ length: n }, (_, i) => rawConnect(url, head, addr(block, i % ips)).catch(() => null)),
  );
  const opened = conns.filter((c) => c !== null);
  const done = new Set<(typeof opened)[number]>();
  for (const c of opened) void c.closed.then(() => done.add(c));
  await sleep(waitMs);
  const got408 = opened.filter((c) => done.has(c) && c.received().startsWith('HTTP/1.1 408')).length;
  const cutAtAccept = opened.filter((c) => done.has(c) && c.received() === '').length;
  const stillOpen = opened.length - done.size;
  for (const c of opened) c.socket.destroy();
  return { opened: opened.length, got408, cutAtAccept, stillOpen, failedToConnect: n - opened.length };
}

/** RSS (KiB) and open fds of a process, from /proc. */
export function procStats(pid: number): { rssKiB: number; fds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { rssKiB: rss, fds: readdirSync(`/proc/${pid}/fd`).length };
}

/** The event-loop delay p99 (ms) the server's own /metrics reports. */
export async function eventLoopP99(adminUrl: string | undefined, prefix: string): Promise<number | null> {
  if (!adminUrl) return null;
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  const m = new RegExp(`^${prefix}nodejs_eventloop_lag_p99_seconds (\\S+)`, 'm').exec(text);
  return m ? Math.round(Number(m[1]) * 10000) / 10 : null;
}
