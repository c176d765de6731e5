// Test support for the operator controls: the real `sealpeer-server admin` CLI as a child process, and
// HTTP / WebSocket clients bound to other loopback source addresses (127.0.0.x) to be allowed, denied,
// banned. Loopback only.
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { readReply } from '../../../test-support/raw-http.ts';
import type { Loose } from './helpers.ts';
import { runNode } from './start/support.ts';

const bin = join(fileURLToPath(import.meta.url), '../../bin/sealpeer-server.js');

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
  /** stdout parsed as JSON (with --json). */
  json: Loose;
}

/** Runs `sealpeer-server admin …args` against `adminUrl` (through --admin-url unless env carries it). */
export async function adminCli(
  adminUrl: string | undefined,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  const r = runNode(bin, ['admin', ...(adminUrl ? ['--admin-url', adminUrl] : []), ...args], { env });
  const code = await r.exited;
  let json: unknown;
  try {
    json = JSON.parse(r.out());
  } catch {
    json = undefined;
  }
  return { code, out: r.out(), err: r.err(), json };
}

export interface FromReply {
  status: number;
  body: Loose;
}

/** One HTTP request from `localAddress`; rejects if the server cuts the connection. */
export function httpFrom(
  localAddress: string,
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<FromReply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      new URL(path, url),
      {
        method,
        localAddress,
        headers: { ...headers, ...(data ? { 'content-type': 'application/json' } : {}) },
        agent: false,
      },
      (res) => void readReply(res).then((r) => resolve({ status: r.status, body: r.body as Loose })),
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** Opens a WebSocket from `localAddress`: 'open', or the refusal's status, or the connection error. */
export function wsFrom(
  localAddress: string,
  wsUrl: string,
  headers: Record<string, string> = {},
): Promise<{ open: true; ws: WebSocket } | { open: false; status?: number; body?: Loose; error?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, { localAddress, headers, perMessageDeflate: false });
    ws.once('open', () => resolve({ open: true, ws }));
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (d: Buffer) => {
        text += d.toString();
      });
      res.on('end', () => resolve({ open: false, status: res.statusCode, body: JSON.parse(text) }));
    });
    ws.once('error', (e) => resolve({ open: false, error: e.message }));
  });
}
