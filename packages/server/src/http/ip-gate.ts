// The public listener's address gate (src/net/ip-policy.ts) at its two points: the TCP connection,
// before a byte is read (the peer address; a trusted proxy's own address passes, its clients are checked
// per request), and every HTTP request with the client IP fastify resolved (req.ip, the same rule as
// src/net/client-ip.ts). Each refusal is one `"event":"ip_refused","ip":…` log line (fail2ban.md).
import type { Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { errorBody, statusOf } from '../errors.ts';
import type { TrustFn } from '../net/client-ip.ts';
import type { IpPolicy } from '../net/ip-policy.ts';

export interface IpGateDeps {
  policy: IpPolicy;
  trust: TrustFn | undefined;
  log: Logger;
  now(): number;
  /** Counts a refusal by code (metrics). */
  reject(code: string): void;
}

/** Cuts refused peers at accept; listens first, so no other listener sees them. */
export function gateConnections(server: Server, deps: IpGateDeps): void {
  server.prependListener('connection', (socket) => {
    const ip = socket.remoteAddress ?? '';
    if (deps.trust?.(ip, 0)) return;
    const v = deps.policy.check(ip, deps.now());
    if (v.ok) return;
    deps.reject(v.code);
    deps.log.warn({ event: 'ip_refused', ip, code: v.code, rule: v.rule, on: 'tcp' }, 'refused');
    socket.destroy();
  });
}

/** The same check per request, first of all hooks (behind a trusted proxy this is where it bites). */
export function gateRequests(app: FastifyInstance, deps: IpGateDeps): void {
  app.addHook('onRequest', async (req, reply) => {
    const v = deps.policy.check(req.ip, deps.now());
    if (v.ok) return;
    deps.reject(v.code);
    deps.log.warn({ event: 'ip_refused', ip: req.ip, code: v.code, rule: v.rule, on: 'http' }, 'refused');
    return reply.code(statusOf(v.code)).header('connection', 'close').send(errorBody(v.code));
  });
}
