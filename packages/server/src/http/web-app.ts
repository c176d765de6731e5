// Serves the built browser app (--app-dir, default packages/app/dist) at / with @fastify/static, with an
// SPA fallback to index.html for app paths (/p/..., /c/...). Without a build, a placeholder page says how
// to make one. API-like paths (/api, /admin, /metrics, /ws, files with an extension) never fall back:
// they answer JSON 404 `not_found`, whatever headers the request carries.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '../errors.ts';

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sealpeer</title></head>
<body><h1>sealpeer relay</h1>
<p>The server is running. The browser app has not been built: run <code>npm run build -w packages/app</code>
or point <code>--app-dir</code> at a built app.</p></body></html>
`;

const NOT_APP = /^\/(?:api|admin|metrics|ws|healthz)(?:[/?]|$)|\.[A-Za-z0-9]+(?:\?|$)/;

function isAppPath(req: FastifyRequest): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && !NOT_APP.test(req.url);
}

/** Call on the root instance (not through register): it sets the root not-found handler. */
export async function registerWebApp(app: FastifyInstance, appDir: string): Promise<void> {
  const root = resolve(appDir);
  const built = existsSync(join(root, 'index.html'));
  const sendApp = (reply: FastifyReply) =>
    built ? reply.type('text/html').sendFile('index.html') : reply.type('text/html').send(PLACEHOLDER);

  if (built) await app.register(fastifyStatic, { root, prefix: '/', wildcard: true, index: ['index.html'] });
  else app.get('/', async (_req, reply) => sendApp(reply));
  // The app asks for /config.json on every load (packages/app/src/sw/server-origin.ts: where the relay
  // is, for an app hosted elsewhere). Served by the relay itself the answer is "here": an empty object,
  // so the page's console shows no 404. An operator's own config.json in --app-dir is served instead.
  if (!existsSync(join(root, 'config.json')))
    app.get(
      '/config.json',
      { schema: { response: { 200: { type: 'object', additionalProperties: false, properties: {} } } } },
      async (_req, reply) => reply.header('cache-control', 'no-store').send({}),
    );

  app.setNotFoundHandler((req, reply) => {
    if (isAppPath(req)) return sendApp(reply);
    return reply.code(404).send(errorBody('not_found'));
  });
}
