// The /ws relay on the public HTTP server: upgrade checks (path, Origin, lockout, connections per IP),
// then one Connection per socket, a ping loop that drops dead peers, and a shutdown that closes 1001.
import { type IncomingMessage, type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { type ErrorCode, errorBody, statusOf } from '../errors.ts';
import { ConnectionCounter } from '../limits/ip-guard.ts';
import { clientIp, type TrustFn } from '../net/client-ip.ts';
import type { IpPolicy } from '../net/ip-policy.ts';
import type { OriginPolicy } from '../net/origins.ts';
import { Connection, type RelayContext } from './connection.ts';

export interface RelayOptions {
  path: string;
  origins: () => OriginPolicy;
  trust: TrustFn | undefined;
  /** --allow-cidr / --deny-cidr and IP bans, checked before the Origin (src/net/ip-policy.ts). */
  ipPolicy: IpPolicy;
}

export interface Relay {
  /** Number of open sockets. */
  size(): number;
  /** Every open socket (the admin listener lists, kicks and bans them). */
  connections(): IterableIterator<Connection>;
  /** Closes every socket with 1001 and stops the ping loop. */
  close(): Promise<void>;
}

function refuse(socket: Duplex, code: ErrorCode, headers: Record<string, string> = {}): void {
  const status = statusOf(code);
  const body = JSON.stringify(errorBody(code));
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`,
  );
}

export function attachRelay(server: Server, ctx: RelayContext, opts: RelayOptions): Relay {
  const { limits, metrics, log } = ctx;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });
  const perIp = new ConnectionCounter(() => limits.maxConnectionsPerIp);
  const open = new Map<Connection, WebSocket>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '').split('?')[0];
    if (path !== opts.path) {
      refuse(socket, 'not_found');
      return;
    }
    const ip = clientIp(req, opts.trust);
    const verdict = opts.ipPolicy.check(ip, ctx.now());
    if (!verdict.ok) {
      metrics.reject(verdict.code);
      log.warn({ event: 'ip_refused', ip, code: verdict.code, rule: verdict.rule, on: 'upgrade' }, 'refused');
      refuse(socket, verdict.code);
      return;
    }
    if (!opts.origins().allows(req.headers.origin)) {
      metrics.reject('origin_not_allowed');
      refuse(socket, 'origin_not_allowed');
      return;
    }
    // What this process knows, without a store call; the login asks the store (shared by nodes).
    const lockMs = ctx.lockout.knownRemainingMs(ip, ctx.now());
    if (lockMs > 0) {
      metrics.reject('locked_out');
      refuse(socket, 'locked_out', { 'Retry-After': String(Math.ceil(lockMs / 1000)) });
      return;
    }
    if (!perIp.acquire(ip)) {
      metrics.reject('too_many_connections');
      refuse(socket, 'too_many_connections', { 'Retry-After': '10' });
      return;
    }
    let accepted = false;
    socket.once('close', () => {
      if (!accepted) perIp.release(ip);
    });
    wss.handleUpgrade(req, socket, head, (ws) => {
      accepted = true;
      const conn = new Connection(ws, socket, ip, ctx);
      open.set(conn, ws);
      metrics.connections.inc();
      ws.on('error', (err: Error & { code?: string }) => {
        // ws closes with 1009 on oversize frames and 1002/1007 on protocol errors itself.
        const code = err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'message_too_big' : 'invalid_message';
        metrics.reject(code);
        log.debug({ event: 'ws_error', ip, code, err: err.message }, 'socket error');
      });
      ws.on('close', () => {
        conn.cleanup();
        open.delete(conn);
        perIp.release(ip);
        metrics.connections.dec();
      });
    });
  };
  server.on('upgrade', onUpgrade);

  const ping = setInterval(() => {
    for (const [conn, ws] of open) {
      if (!conn.alive) {
        conn.cleanup();
        ws.terminate();
        continue;
      }
      conn.alive = false;
      ws.ping();
    }
  }, limits.pingIntervalMs);
  ping.unref();

  return {
    size: () => open.size,
    connections: () => open.keys(),
    async close() {
      clearInterval(ping);
      server.off('upgrade', onUpgrade);
      const closed = [...open.values()].map(
        (ws) =>
          new Promise<void>((resolve) => {
            ws.once('close', () => resolve());
            ws.close(1001, 'server shutting down');
            setTimeout(() => {
              ws.terminate();
              resolve();
            }, 2000).unref();
          }),
      );
      for (const conn of open.keys()) conn.cleanup();
      await Promise.all(closed);
    },
  };
}
