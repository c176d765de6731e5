// `sealpeer-app`: serves a built app directory on 127.0.0.1 (or --host) with the app's security headers,
// so the JavaScript a user runs need not come from the relay host. Static files only, GET/HEAD only.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { type AppOrigins, appHeaders } from './headers.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
  '.note': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export interface ServeOptions extends AppOrigins {
  dir: string;
  host: string;
  port: number;
  log: (level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>) => void;
}

/** The file answering `pathname`, or undefined. Never leaves `root`; extension-less paths fall back to index.html. */
export function resolveFile(root: string, pathname: string): string | undefined {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (rel.includes('\0') || rel.split('/').some((s) => s === '..')) return undefined;
  const abs = resolve(root, `.${rel}`);
  if (abs !== root && !abs.startsWith(root + sep)) return undefined;
  const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();
  if (isFile(abs)) return abs;
  if (isFile(join(abs, 'index.html'))) return join(abs, 'index.html');
  if (extname(rel) === '' && isFile(join(root, 'index.html'))) return join(root, 'index.html');
  return undefined;
}

export function startAppServer(o: ServeOptions): Promise<{ server: Server; url: string }> {
  const root = resolve(o.dir);
  if (!existsSync(join(root, 'index.html')))
    throw new Error(`${root} has no index.html: build the app first (npm run build -w @sealpeer/app)`);
  const headers = appHeaders(o);
  const runtimeConfig = o.relay ? `${JSON.stringify({ server: new URL(o.relay).origin })}\n` : undefined;
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    const url = new URL(req.url ?? '/', 'http://app.invalid');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' });
      res.end('{"error":{"code":"method_not_allowed"}}\n');
      return;
    }
    let body: Buffer | undefined;
    let type = 'application/json';
    if (url.pathname === '/config.json' && runtimeConfig) body = Buffer.from(runtimeConfig);
    else {
      const file = resolveFile(root, url.pathname);
      if (file) {
        body = readFileSync(file);
        type = TYPES[extname(file)] ?? 'application/octet-stream';
      }
    }
    if (!body) {
      res.writeHead(404, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end('{"error":{"code":"not_found"}}\n');
      return;
    }
    // Hashed build assets never change; everything else is revalidated so updates are seen.
    const immutable = url.pathname.startsWith('/assets/');
    res.writeHead(200, {
      'content-type': type,
      'content-length': body.length,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      o.log('warn', 'request failed', { url: req.url, err: (err as Error).message });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"internal"}}\n');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port, o.host, () => {
      const { port } = server.address() as AddressInfo;
      const host = o.host.includes(':') ? `[${o.host}]` : o.host;
      ok({ server, url: `http://${host}:${port}/` });
    });
  });
}
