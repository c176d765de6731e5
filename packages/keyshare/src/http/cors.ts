// CORS for the browser app: only the configured origins get Access-Control-Allow-Origin; others get no
// CORS headers (the browser then refuses to hand them the answer). Preflights are answered here.
import type { FastifyInstance } from 'fastify';

export function installCors(app: FastifyInstance, allowedOrigins: readonly string[]): void {
  const allowed = new Set(allowedOrigins);
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (typeof origin === 'string' && allowed.has(origin)) {
      void reply.header('access-control-allow-origin', origin);
      void reply.header('vary', 'Origin');
    }
  });
  app.options('/*', async (req, reply) => {
    const origin = req.headers.origin;
    if (typeof origin === 'string' && allowed.has(origin)) {
      void reply.header('access-control-allow-methods', 'GET, POST, OPTIONS');
      void reply.header('access-control-allow-headers', 'content-type');
      void reply.header('access-control-max-age', '600');
    }
    return reply.code(204).send();
  });
}
