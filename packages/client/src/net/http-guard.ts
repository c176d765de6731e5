// Slow-client defences for a Node HTTP(S) listener, shared by sealpeer-server, the keyshare and the
// witness (docs/hardening.md, "HTTP connections"): a socket must deliver a request's complete headers
// within the header timeout (Node answers 408 and closes it), and one peer address holds at most N TCP
// connections at once (upgraded WebSockets included); the one over the cap is closed at accept, before
// a byte is read. Node-only: not exported from the package root, which also runs in browsers.
import type { Server as HttpServer, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';

export interface HttpGuardLimits {
  /** Time a client has to send a request's complete headers, from connect or from its previous request. */
  readonly headerTimeoutMs: number;
  /** Concurrent TCP connections per peer address (0 = no cap). */
  readonly maxConnectionsPerIp: number;
}

export const DEFAULT_HTTP_GUARD: HttpGuardLimits = { headerTimeoutMs: 10_000, maxConnectionsPerIp: 64 };

/**
 * Options for http(s).createServer: Node checks header deadlines every `connectionsCheckingInterval`
 * (30 s by default, which would hold a slow socket 30 s past a 10 s timeout).
 */
export function headerTimeoutOptions(limits: HttpGuardLimits): ServerOptions {
  return {
    headersTimeout: limits.headerTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headerTimeoutMs / 4))),
  };
}

export interface HttpGuard {
  /** Open connections counted for this address. */
  open(ip: string): number;
}

/**
 * Counts connections per peer address on `server` and closes those over the cap. `exempt` spares
 * addresses that carry many clients (a trusted reverse proxy: cap there, e.g. nginx limit_conn).
 */
export function guardConnections(
  server: Pick<HttpServer, 'on'> & { headersTimeout: number; requestTimeout: number },
  limits: HttpGuardLimits,
  hooks: { exempt?: (ip: string) => boolean; onRefused?: (ip: string) => void } = {},
): HttpGuard {
  // A request timeout, if set, must not be shorter than the header timeout (Node ignores it then).
  server.headersTimeout = limits.headerTimeoutMs;
  if (server.requestTimeout > 0 && server.requestTimeout < limits.headerTimeoutMs)
    server.requestTimeout = limits.headerTimeoutMs;
  const open = new Map<string, number>();
  if (limits.maxConnectionsPerIp > 0)
    server.on('connection', (socket: Socket) => {
      const ip = socket.remoteAddress ?? 'unknown';
      if (hooks.exempt?.(ip)) return;
      const n = open.get(ip) ?? 0;
      if (n >= limits.maxConnectionsPerIp) {
        hooks.onRefused?.(ip);
        socket.destroy();
        return;
      }
      open.set(ip, n + 1);
      socket.once('close', () => {
        const left = (open.get(ip) ?? 1) - 1;
        if (left <= 0) open.delete(ip);
        else open.set(ip, left);
      });
    });
  return { open: (ip) => open.get(ip) ?? 0 };
}
