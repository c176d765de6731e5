// A recording (and optionally tampering) reverse proxy in front of a real sealpeer server: plain HTTP is
// forwarded untouched, and every WebSocket frame between page and relay is recorded as text, in both
// directions, after an optional `tamper` hook may rewrite it. The page loads the app through the proxy,
// so all of its relay traffic crosses here — this plays the hostile relay host.
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export type Direction = 'to-server' | 'to-client';
export interface RecordedFrame {
  dir: Direction;
  text: string;
}
/** Returns the frame to forward (possibly altered). */
export type Tamper = (frame: string, dir: Direction) => string;

export interface RelayProxy {
  url: string;
  frames: RecordedFrame[];
  /** Every HTTP request line the server was sent (method and path with query): what a server can log. */
  requests: string[];
  close(): Promise<void>;
}

/** `upstream()` gives the server's http origin (known only once the server listens). */
export async function startRelayProxy(upstream: () => string, tamper?: Tamper): Promise<RelayProxy> {
  const frames: RecordedFrame[] = [];
  const requests: string[] = [];
  const sockets = new Set<WebSocket>();
  const server: Server = createServer((req, res) => {
    const target = new URL(upstream());
    requests.push(`${req.method} ${req.url}`);
    const up = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const target = new URL(upstream());
    requests.push(`UPGRADE ${req.url}`);
    const headers: Record<string, string> = {};
    if (req.headers.origin) headers.origin = req.headers.origin;
    const upstreamWs = new WebSocket(`ws://${target.host}${req.url ?? '/ws'}`, { headers });
    upstreamWs.on('error', () => socket.destroy());
    upstreamWs.on('open', () => {
      wss.handleUpgrade(req, socket, head, (client) => {
        sockets.add(client);
        sockets.add(upstreamWs);
        const pipe = (from: WebSocket, to: WebSocket, dir: Direction): void => {
          from.on('message', (data, isBinary) => {
            if (isBinary) return to.send(data, { binary: true });
            const text = tamper ? tamper(data.toString(), dir) : data.toString();
            frames.push({ dir, text });
            if (to.readyState === WebSocket.OPEN) to.send(text);
          });
          from.on('close', (code) => {
            if (to.readyState === WebSocket.OPEN) to.close(forwardableCloseCode(code));
          });
        };
        pipe(client, upstreamWs, 'to-server');
        pipe(upstreamWs, client, 'to-client');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    frames,
    requests,
    async close() {
      for (const s of sockets) s.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A close code `ws` lets an endpoint send (RFC 6455 §7.4.1: 1000–1014 except the reserved
 * 1004/1005/1006, or 3000–4999); anything else — 1006 after an abrupt drop — is forwarded as 1000.
 */
export function forwardableCloseCode(code: number): number {
  const sendable =
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999);
  return sendable ? code : 1000;
}

/** Flips one bit in the middle of the `data` string of a relay frame, keeping it valid base64url. */
export function flipDataByte(frame: string): string | undefined {
  let msg: { data?: unknown };
  try {
    msg = JSON.parse(frame) as { data?: unknown };
  } catch {
    return undefined;
  }
  if (typeof msg.data !== 'string' || msg.data.length < 40) return undefined;
  const bytes = Buffer.from(msg.data, 'base64url');
  const i = Math.floor(bytes.length * 0.75);
  bytes[i] = (bytes[i] ?? 0) ^ 0x01;
  return JSON.stringify({ ...msg, data: bytes.toString('base64url') });
}

/** The sealed frame type byte (docs/protocol.md 2.1) of a relay frame's `data`, if it has one. */
export function sealedFrameType(frame: string): number | undefined {
  try {
    const msg = JSON.parse(frame) as { data?: unknown };
    if (typeof msg.data !== 'string') return undefined;
    return Buffer.from(msg.data, 'base64url')[1];
  } catch {
    return undefined;
  }
}
