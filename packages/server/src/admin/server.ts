// The admin listener: bound to 127.0.0.1 only, never reachable through the public port (which answers
// 404 for these paths whatever headers say). /metrics for Prometheus, /admin/stats, /admin/purge, and the
// operator controls of ./routes.ts (docs/operators/admin.md).
//
// A browser on the operator's machine can reach 127.0.0.1 too: /admin/* refuses any request that carries
// an Origin header (a web page's cross-site request) or a Host other than a loopback name (DNS
// rebinding), and reads only JSON bodies (no text/plain "simple" request).
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { errorBody } from '../errors.ts';
import { jsonErrorHandler } from '../http/app.ts';
import { purgeReply, statsReply } from '../http/schemas.ts';
import type { Store } from '../store/types.ts';
import type { Metrics } from './metrics.ts';
import { type OperatorDeps, operatorRoutes } from './routes.ts';

export interface AdminDeps extends OperatorDeps {
  log: Logger;
  metrics: Metrics;
  store: Store;
  /** Purges expired credentials now; returns how many were deleted. */
  purge(): Promise<number>;
}

const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/i;

export async function startAdmin(
  deps: AdminDeps,
  port: number,
): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({
    loggerInstance: deps.log,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 16 * 1024,
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false },
    },
  }) as unknown as FastifyInstance;
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(jsonErrorHandler);
  app.setNotFoundHandler((_req, reply) => reply.code(404).send(errorBody('not_found')));
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/admin/')) return;
    if (req.headers.origin !== undefined || !LOOPBACK_HOST.test(req.headers.host ?? '')) {
      deps.log.warn(
        { event: 'admin_refused', ip: req.ip, host: req.headers.host, origin: req.headers.origin },
        'admin request from a browser page or a non-loopback Host refused',
      );
      return reply
        .code(403)
        .send(errorBody('origin_not_allowed', 'Admin requests come from the CLI, not a browser.'));
    }
  });
  app.get('/metrics', async (_req, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/admin/stats', { schema: { response: { 200: statsReply } } }, async () => ({
    ...(await deps.store.counts()),
    connections: [...deps.connections()].length,
  }));
  app.post('/admin/purge', { schema: { response: { 200: purgeReply } } }, async () => ({
    purged: await deps.purge(),
  }));
  await app.register(operatorRoutes, deps);
  await app.listen({ host: '127.0.0.1', port });
  const addr = app.server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  return { app, url: `http://127.0.0.1:${bound}` };
}
