// The admin listener: bound to 127.0.0.1 only, never reachable through the public port (which answers
// 404 for these paths whatever headers say). /metrics for Prometheus, /admin/stats, /admin/purge.
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { purgeReply, statsReply } from '../http/schemas.ts';
import type { Store } from '../store/types.ts';
import type { Metrics } from './metrics.ts';

export interface AdminDeps {
  log: Logger;
  metrics: Metrics;
  store: Store;
  /** Open relay sockets. */
  connections(): number;
  /** Purges expired credentials now; returns how many were deleted. */
  purge(): Promise<number>;
}

export async function startAdmin(
  deps: AdminDeps,
  port: number,
): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({
    loggerInstance: deps.log,
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance;
  app.get('/metrics', async (_req, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/admin/stats', { schema: { response: { 200: statsReply } } }, async () => ({
    ...(await deps.store.counts()),
    connections: deps.connections(),
  }));
  app.post('/admin/purge', { schema: { response: { 200: purgeReply } } }, async () => ({
    purged: await deps.purge(),
  }));
  await app.listen({ host: '127.0.0.1', port });
  const addr = app.server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  return { app, url: `http://127.0.0.1:${bound}` };
}
