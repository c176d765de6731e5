// Builds the keyshare's fastify app: limits, CORS, rate limits, error shape, routes, metrics.
import { guardConnections, type HttpGuardLimits, headerTimeoutOptions } from '@sealpeer/client/http-guard';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { KeyshareService } from '../service.ts';
import { installCors } from './cors.ts';
import { frameworkErrors, installErrorHandling } from './error-handler.ts';
import { instrument, type Metrics } from './metrics.ts';
import { installRateLimit, type RateLimits } from './rate-limit.ts';
import { logRoutes } from './routes/log.ts';
import { type AwaitWitnesses, recordRoutes } from './routes/records.ts';
import { tileRoutes } from './routes/tiles.ts';

export interface HttpOptions {
  readonly logger: Logger;
  readonly bodyLimit: number;
  readonly allowedOrigins: readonly string[];
  readonly rateLimits: RateLimits;
  readonly trustProxy: boolean;
  readonly origin: string;
  readonly metrics: Metrics | null;
  readonly awaitWitnesses?: AwaitWitnesses | null;
  /** Header timeout and TCP connections per IP (slow clients are cut, not held). */
  readonly connections: HttpGuardLimits;
  /** PEM certificate chain and key: serve HTTPS directly (e.g. `npm start -- --lan`). */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer } | null;
}

export async function buildApp(service: KeyshareService, opts: HttpOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // With TLS fastify hands `https` to https.createServer: the same header timeouts go there too.
    ...(opts.tls
      ? { https: { cert: opts.tls.cert, key: opts.tls.key, ...headerTimeoutOptions(opts.connections) } }
      : {}),
    loggerInstance: opts.logger as FastifyBaseLogger,
    bodyLimit: opts.bodyLimit,
    trustProxy: opts.trustProxy,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Validated, never coerced: a body field of the wrong type (e.g. `handle: 123`) is a 400, not "123";
    // query integers are checked as decimal text (http/schemas.ts decimalParam).
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false },
    },
    routerOptions: { maxParamLength: 128 },
    frameworkErrors,
    http: headerTimeoutOptions(opts.connections),
  });
  // Behind --trust-proxy every peer is the proxy: cap connections there instead.
  guardConnections(app.server, opts.connections, { exempt: opts.trustProxy ? () => true : undefined });
  // Only JSON bodies: drop fastify's default text/plain parser so anything else is a 415.
  app.removeContentTypeParser('text/plain');
  installErrorHandling(app);
  installCors(app, opts.allowedOrigins);
  installRateLimit(app, opts.rateLimits);
  if (opts.metrics) instrument(app, opts.metrics);
  recordRoutes(app, service, opts.metrics, opts.awaitWitnesses ?? null);
  logRoutes(app, service, opts.origin);
  tileRoutes(app, service);
  await app.ready();
  return app;
}
