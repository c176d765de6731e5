// A malicious relay for tests: an HTTP + WebSocket proxy in front of a real @sealpeer/server. It forwards
// the HTTP API unchanged, records every /ws frame in both directions, and lets a test rewrite, drop,
// duplicate, delay or inject frames (relay → client "down" frames are what a hostile relay controls).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export interface ProxyFrame {
  /** 'up': client → relay; 'down': relay → client. */
  dir: 'up' | 'down';
  /** clientId that logged in on this socket ('' before login). */
  client: string;
  frame: Record<string, unknown>;
}

/** Returns the frames to forward instead (empty array = drop); undefined = forward unchanged. */
export type Tamper = (f: ProxyFrame, proxy: TamperingProxy) => Array<Record<string, unknown>> | undefined;

interface Link {
  client: string;
  toClient: WebSocket;
  toServer: WebSocket;
}

export class TamperingProxy {
  readonly record: string[] = [];
  tamper: Tamper | undefined;
  #links = new Set<Link>();
  #http: Server;
  #wss: WebSocketServer;
  url = '';

  private constructor(readonly upstream: string) {
    this.#wss = new WebSocketServer({ noServer: true });
    this.#http = createServer((req, res) => {
      void this.#forwardHttp(req).then(
        ({ status, headers, body }) => {
          res.writeHead(status, headers);
          res.end(body);
        },
        () => {
          res.writeHead(502);
          res.end();
        },
      );
    });
    this.#http.on('upgrade', (req, socket, head) => {
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#link(ws));
    });
  }

  static async start(upstream: string): Promise<TamperingProxy> {
    const p = new TamperingProxy(upstream);
    await new Promise<void>((r) => p.#http.listen(0, '127.0.0.1', r));
    p.url = `http://127.0.0.1:${(p.#http.address() as AddressInfo).port}`;
    return p;
  }

  async #forwardHttp(req: IncomingMessage) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const res = await fetch(new URL(req.url ?? '/', this.upstream), {
      method: req.method,
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
    });
    const body = Buffer.from(await res.arrayBuffer());
    this.record.push(body.toString('utf8'));
    return { status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? '' }, body };
  }

  #link(toClient: WebSocket): void {
    const up = new URL('/ws', this.upstream);
    up.protocol = 'ws:';
    const toServer = new WebSocket(up.href);
    const link: Link = { client: '', toClient, toServer };
    this.#links.add(link);
    const pendingUp: string[] = [];
    toServer.on('open', () => {
      for (const m of pendingUp.splice(0)) toServer.send(m);
    });
    toClient.on('message', (raw) => {
      const text = raw.toString();
      this.record.push(text);
      const frame = JSON.parse(text) as Record<string, unknown>;
      if (frame.type === 'login' && typeof frame.clientId === 'string') link.client = frame.clientId;
      for (const out of this.tamper?.({ dir: 'up', client: link.client, frame }, this) ?? [frame]) {
        const s = JSON.stringify(out);
        if (toServer.readyState === WebSocket.OPEN) toServer.send(s);
        else pendingUp.push(s);
      }
    });
    toServer.on('message', (raw) => {
      const text = raw.toString();
      this.record.push(text);
      const frame = JSON.parse(text) as Record<string, unknown>;
      for (const out of this.tamper?.({ dir: 'down', client: link.client, frame }, this) ?? [frame])
        this.deliver(link.client, out);
    });
    const closeBoth = () => {
      this.#links.delete(link);
      toClient.close();
      toServer.close();
    };
    toClient.on('close', closeBoth);
    toServer.on('close', closeBoth);
    toClient.on('error', closeBoth);
    toServer.on('error', closeBoth);
  }

  /** Sends a frame to a client as if the relay had sent it. */
  deliver(client: string, frame: Record<string, unknown>): void {
    for (const l of this.#links)
      if (l.client === client && l.toClient.readyState === WebSocket.OPEN)
        l.toClient.send(JSON.stringify(frame));
  }

  /** Cuts one client's socket (both legs end, as if its network dropped). */
  cut(client: string): void {
    for (const l of this.#links)
      if (l.client === client) {
        l.toClient.terminate();
        l.toServer.terminate();
      }
  }

  clients(): string[] {
    return [...this.#links].map((l) => l.client).filter(Boolean);
  }

  async close(): Promise<void> {
    for (const l of this.#links) {
      l.toClient.terminate();
      l.toServer.terminate();
    }
    await new Promise<void>((r) => this.#wss.close(() => r()));
    await new Promise<void>((r) => this.#http.close(() => r()));
  }
}
