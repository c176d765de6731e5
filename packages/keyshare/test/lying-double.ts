// A lying keyshare for tests: a real HTTP server in front of a real (honest or forked) keyshare that
// rewrites answers according to the current `lie`. Clients talk to it exactly as to a keyshare.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onCleanup } from './helpers.ts';

export interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/** Rewrites one answer. `upstream` fetches the same request from the current upstream. */
export type Lie = (
  req: { method: string; path: string; body: string },
  upstream: () => Promise<Answer>,
) => Promise<Answer>;

export const honest: Lie = (_req, upstream) => upstream();

export interface LyingDouble {
  url: string;
  /** Upstream keyshare URL (switch it to serve another log). */
  upstream: string;
  lie: Lie;
}

export async function startLyingDouble(upstream: string): Promise<LyingDouble> {
  const state: LyingDouble = { url: '', upstream, lie: honest };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const fetchUpstream = async (): Promise<Answer> => {
        const r = await fetch(`${state.upstream}${path}`, {
          method,
          headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
          body: method === 'GET' ? undefined : body,
        });
        return { status: r.status, contentType: r.headers.get('content-type') ?? '', body: await r.text() };
      };
      state.lie({ method, path, body }, fetchUpstream).then(
        (a) => {
          res.writeHead(a.status, { 'content-type': a.contentType });
          res.end(a.body);
        },
        (err: Error) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(err.message);
        },
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onCleanup(() => new Promise<void>((r) => server.close(() => r())));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/** Helper: a lie that rewrites the JSON body of answers whose path starts with `prefix`. */
export function rewriteJson(prefix: string, f: (body: Record<string, unknown>) => unknown): Lie {
  return async (req, upstream) => {
    const a = await upstream();
    if (!req.path.startsWith(prefix) || a.status >= 300) return a;
    return { ...a, body: JSON.stringify(f(JSON.parse(a.body) as Record<string, unknown>)) };
  };
}

/** Helper: a lie that answers `path` with a fixed JSON body (e.g. an old or another handle's answer). */
export function serveAt(path: string, body: string): Lie {
  return async (req, upstream) =>
    req.path === path ? { status: 200, contentType: 'application/json', body } : upstream();
}
