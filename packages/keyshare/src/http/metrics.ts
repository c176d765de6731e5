// Prometheus metrics (prom-client, own registry: no global state), served on the admin port.
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  readonly published: Counter<'kind'>;
  readonly refused: Counter<'code'>;
}

export function createMetrics(treeSize: () => number): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sealpeer_keyshare_' });
  const published = new Counter({
    name: 'sealpeer_keyshare_records_logged_total',
    help: 'Records appended to the log',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const refused = new Counter({
    name: 'sealpeer_keyshare_records_refused_total',
    help: 'Publish requests refused, by error code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'sealpeer_keyshare_tree_size',
    help: 'Leaves in the Merkle log',
    registers: [registry],
    collect() {
      this.set(treeSize());
    },
  });
  return { registry, published, refused };
}

export function instrument(app: FastifyInstance, metrics: Metrics): void {
  const duration = new Histogram({
    name: 'sealpeer_keyshare_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
    registers: [metrics.registry],
  });
  app.addHook('onResponse', async (req, reply) => {
    duration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}

/** Serves GET /metrics on its own port (keep it off the public interface). */
export async function startAdminServer(
  metrics: Metrics,
  host: string,
  port: number,
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/metrics') {
      metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        },
        () => {
          res.writeHead(500).end();
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":{"code":"not_found","message":"only GET /metrics here"}}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`, server };
}
