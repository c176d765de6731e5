// Test support: real servers on free ports with temp data dirs, real ws clients, plain fetch.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach } from 'vitest';
import { WebSocket } from 'ws';
import { type RunningServer, type StartOptions, startServer } from '../src/index.ts';

/** Replies and frames are checked field by field by the tests' assertions. */
// biome-ignore lint/suspicious/noExplicitAny: the one loose type of the test helpers
export type Loose = any;

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Parsed JSON log lines so far. */
  logs: Array<Record<string, unknown>>;
  /** Stops the server and removes the data dir. */
  stop(): Promise<void>;
}

export function tempDir(prefix = 'sealpeer-server-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function start(opts: StartOptions = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDir();
  const logs: Array<Record<string, unknown>> = [];
  const logStream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      cb();
    },
  });
  const server = await startServer({
    port: 0,
    adminPort: 0,
    logLevel: 'info',
    appDir: join(dataDir, 'no-app'),
    ...opts,
    dataDir,
    logStream,
  });
  return Object.assign(server, {
    dataDir,
    logs,
    async stop() {
      await server.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/**
 * `start` for a test file whose tests start one server each: the server started last is stopped after
 * every test.
 */
export function serverPerTest(): (opts?: StartOptions) => Promise<TestServer> {
  let current: TestServer | undefined;
  afterEach(async () => {
    await current?.stop();
    current = undefined;
  });
  return async (opts) => {
    current = await start(opts);
    return current;
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  body: Loose;
  text: string;
}

export async function http(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export async function createChannel(s: { url: string }, pub = false, name?: string): Promise<string> {
  const r = await http(
    s.url,
    'POST',
    '/api/channels',
    name === undefined ? { public: pub } : { public: pub, name },
  );
  if (r.status !== 201) throw new Error(`createChannel: ${r.status} ${r.text}`);
  return r.body.channelId;
}

export interface Cred {
  channelId: string;
  sessionId: string;
  clientId: string;
  password: string;
  expiresAt: string;
}

export async function credential(
  s: { url: string },
  channelId: string,
  sessionId: string = randomUUID(),
): Promise<Cred> {
  const r = await http(s.url, 'POST', `/api/channels/${channelId}/sessions`, { sessionId });
  if (r.status !== 200) throw new Error(`credential: ${r.status} ${r.text}`);
  return { channelId, sessionId, ...r.body };
}

export interface Closed {
  code: number;
  reason: string;
}

/** A ws client that queues every frame it receives and remembers how it closed. */
export class Client {
  readonly frames: Loose[] = [];
  readonly raw: string[] = [];
  private waiters: Array<() => void> = [];
  readonly closed: Promise<Closed>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      this.raw.push(text);
      this.frames.push(JSON.parse(text));
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.wake();
        resolve({ code, reason: reason.toString() });
      });
    });
    ws.on('error', () => {});
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static open(
    wsUrl: string,
    options: { origin?: string; autoPong?: boolean; headers?: Record<string, string> } = {},
  ): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl, { ...options, perMessageDeflate: false });
      const c = new Client(ws);
      ws.once('open', () => resolve(c));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d.toString();
        });
        res.on('end', () =>
          reject(
            Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, body }),
          ),
        );
      });
      ws.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The next frame not yet taken (in order), waiting up to `ms`. */
  async next(ms = 3000): Promise<Loose> {
    const deadline = Date.now() + ms;
    while (this.frames.length === 0) {
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error('socket closed with no frame left');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a frame');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.frames.shift();
  }

  /** Asserts no frame arrives within `ms`. */
  async nothing(ms = 150): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    if (this.frames.length > 0) throw new Error(`unexpected frame: ${JSON.stringify(this.frames[0])}`);
  }

  close(): void {
    this.ws.close();
  }
}

/** The refusal (status + JSON body) of an upgrade that is expected to fail. */
export async function refusedUpgrade(
  wsUrl: string,
  options: { origin?: string } = {},
): Promise<{ status: number; body: Loose }> {
  try {
    const c = await Client.open(wsUrl, options);
    c.close();
  } catch (e) {
    const err = e as { status?: number; body?: string };
    if (err.status === undefined) throw e;
    return { status: err.status, body: JSON.parse(err.body ?? '') };
  }
  throw new Error('upgrade was accepted');
}

/** The login frame of `cred`. */
export const loginFrame = (cred: Pick<Cred, 'clientId' | 'password' | 'sessionId'>) => ({
  type: 'login',
  clientId: cred.clientId,
  password: cred.password,
  sessionId: cred.sessionId,
});

/** Opens a socket and logs in with `cred`; returns the client after login_ok. */
export async function login(s: { wsUrl: string }, cred: Cred): Promise<Client> {
  const c = await Client.open(s.wsUrl);
  c.send({ type: 'login', clientId: cred.clientId, password: cred.password, sessionId: cred.sessionId });
  const f = await c.next();
  if (f.type !== 'login_ok') throw new Error(`login failed: ${JSON.stringify(f)}`);
  return c;
}

/** Channel + credential + logged-in socket in one step. */
export async function joined(s: TestServer, channelId?: string): Promise<{ client: Client; cred: Cred }> {
  const ch = channelId ?? (await createChannel(s));
  const cred = await credential(s, ch);
  return { client: await login(s, cred), cred };
}
