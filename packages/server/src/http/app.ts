// The public fastify instance: JSON-only API with strict schemas, one error shape
// {"error":{"code","message"}} for every failure, security headers on every response, the web app.
import { readFileSync } from 'node:fs';
import { guardConnections, headerTimeoutOptions } from '@sealpeer/client/http-guard';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { type ErrorCode, errorBody, statusOf } from '../errors.ts';
import { trustFunction } from '../net/client-ip.ts';
import { appConfigRoutes } from './app-config.ts';
import { channelRoutes } from './channels.ts';
import type { HttpContext } from './context.ts';
import { gateConnections, gateRequests } from './ip-gate.ts';
import { healthReply } from './schemas.ts';
import { registerWebApp } from './web-app.ts';

export const BODY_LIMIT = 16 * 1024;

/** Maps fastify's own errors (schema, body size, media type, bad JSON) to registry codes. */
function codeFor(err: FastifyError): ErrorCode {
  if (err.validation) return 'invalid_request';
  switch (err.statusCode) {
    case 400:
      return 'invalid_request';
    case 403: // @fastify/static: a path outside the app dir. Not there, as far as the client knows.
    case 404:
      return 'not_found';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    default:
      return 'internal_error';
  }
}

/** fastify's errors as registry codes in the one JSON shape (the public and the admin listener). */
export function jsonErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const code = codeFor(err);
  if (code === 'internal_error') req.log.error({ err, url: req.url }, 'request failed');
  const message =
    code === 'invalid_request' && err.validation ? `Invalid request: ${err.message}` : undefined;
  return reply.code(statusOf(code)).send(errorBody(code, message));
}

export async function buildHttpApp(ctx: HttpContext): Promise<FastifyInstance> {
  const { config } = ctx;
  const guard = {
    headerTimeoutMs: config.limits.headerTimeoutMs,
    maxConnectionsPerIp: config.limits.maxHttpConnectionsPerIp,
  };
  const timeouts = headerTimeoutOptions(guard);
  const https =
    config.tlsCert && config.tlsKey
      ? { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey), ...timeouts }
      : null;
  // fastify hands `https` to https.createServer; plain http gets the same timeouts through `http`.
  const app = Fastify({
    ...({ http: timeouts } as object),
    loggerInstance: ctx.log,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    trustProxy: trustFunction(config.trustProxy) ?? false,
    https,
    forceCloseConnections: true,
    return503OnClosing: true,
    // Errors fastify raises before routing (a malformed URL such as /%zz) get the same JSON shape.
    frameworkErrors: (err: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
      const code = err.statusCode === 400 ? 'invalid_request' : 'internal_error';
      reply.code(statusOf(code)).headers(ctx.securityHeaders()).send(errorBody(code));
    },
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false },
    },
  }) as unknown as FastifyInstance;
  // Slow clients are cut, not held (docs/hardening.md): header timeout + TCP connections per IP. Behind
  // --trust-proxy the proxy's own addresses carry many clients and are not capped here.
  const trust = trustFunction(config.trustProxy);
  const gate = { policy: ctx.ipPolicy, trust, log: ctx.log, now: ctx.now, reject: ctx.reject };
  gateConnections(app.server, gate);
  guardConnections(app.server, guard, {
    exempt: trust ? (ip) => trust(ip, 0) : undefined,
    onRefused: (ip) => ctx.log.debug({ event: 'http_connection_refused', ip }, 'too many connections'),
  });
  // JSON is the only body type: text/plain (a fastify default) is a 415 like any other type.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler(jsonErrorHandler);

  gateRequests(app, gate);
  app.addHook('onRequest', async (req, reply) => {
    // Browsers may only change state from allowed origins; a browser page may read /api answers only
    // from an allowed origin (CORS below, never with credentials; not for '*').
    if (req.method !== 'GET' && req.method !== 'HEAD' && !ctx.origins().allows(req.headers.origin))
      return reply.code(403).send(errorBody('origin_not_allowed'));
    // CORS for the browser app served from another origin listed in --allowed-origins
    // (docs/operators/deploy.md, "Serving the app from a separate origin").
    const origin = req.headers.origin;
    if (origin && req.url.startsWith('/api/') && ctx.origins().list().includes(origin.toLowerCase())) {
      reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
      if (req.method === 'OPTIONS')
        return reply
          .code(204)
          .header('access-control-allow-methods', 'GET, POST')
          .header('access-control-allow-headers', 'content-type, authorization')
          .header('access-control-max-age', '600')
          .send();
    }
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.headers(ctx.securityHeaders());
    return payload;
  });

  app.get('/healthz', { schema: { response: { 200: healthReply } } }, async () => ({ ok: true }));
  await app.register(channelRoutes, ctx);
  await app.register(appConfigRoutes, ctx);
  await registerWebApp(app, config.appDir);
  return app;
}
