// `sealpeer-app` as a user runs it: a real process on a free port serving a built directory.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../bin/sealpeer-app.js');
const root = mkdtempSync(join(tmpdir(), 'sealpeer-app-serve-'));
const dist = join(root, 'dist');
let child: ChildProcess;
let url: string;

function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args]);
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    p.stderr.on('data', (d: Buffer) => {
      err += d;
    });
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

/** Raw request (no URL normalisation, so '..' reaches the server as sent). */
function raw(
  method: string,
  path: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  mkdirSync(join(dist, 'assets'), { recursive: true });
  mkdirSync(join(dist, 'p'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>root</title>');
  writeFileSync(join(dist, 'p', 'index.html'), '<!doctype html><title>invite</title>');
  writeFileSync(join(dist, 'assets', 'a-1.js'), 'console.log(1)');
  writeFileSync(join(root, 'sealpeer-outside.txt'), 'secret');
  child = spawn(process.execPath, [
    BIN,
    '--port',
    '0',
    '--dir',
    dist,
    '--relay',
    'https://relay.example:8443/x',
    '--keyshare',
    'https://keys.example',
  ]);
  url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d;
      const m = /"msg":"listening","url":"([^"]+)"/.exec(buf);
      if (m?.[1]) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`sealpeer-app exited ${code}`)));
  });
}, 30_000);

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
});

describe('sealpeer-app', () => {
  it('listens on 127.0.0.1 and serves the app with the security headers', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const r = await raw('GET', '/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>root</title>');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("worker-src 'self'");
    expect(csp).toContain(
      "connect-src 'self' wss://relay.example:8443 https://relay.example:8443 https://keys.example",
    );
    expect(csp).not.toContain('unsafe-inline');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('DENY');
  });

  it('serves config.json naming the relay, pages, and assets with their types', async () => {
    const c = await raw('GET', '/config.json');
    expect(JSON.parse(c.body)).toEqual({ server: 'https://relay.example:8443' });
    expect((await raw('GET', '/p/')).body).toContain('invite');
    expect((await raw('GET', '/p')).body).toContain('invite');
    expect((await raw('GET', '/c/some-channel')).body).toContain('root');
    const js = await raw('GET', '/assets/a-1.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    const head = await raw('HEAD', '/assets/a-1.js');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('never serves outside its directory and refuses other methods', async () => {
    for (const p of [
      '/../sealpeer-outside.txt',
      '/%2e%2e/sealpeer-outside.txt',
      '/assets/..%2f..%2fsealpeer-outside.txt',
      '/%00',
      '/%E0%A4%A',
      '/missing.js',
    ]) {
      const r = await raw('GET', p);
      expect(r.status, p).toBe(404);
      expect(r.body).not.toContain('secret');
      expect(JSON.parse(r.body)).toEqual({ error: { code: 'not_found' } });
    }
    const post = await raw('POST', '/');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('refuses bad flags with exit 2 and a missing build with exit 1', async () => {
    expect((await run(['--port', '70000'])).code).toBe(2);
    expect((await run(['--relay', 'ftp://x'])).code).toBe(2);
    expect((await run(['--nope'])).code).toBe(2);
    const missing = await run(['--port', '0', '--dir', join(dist, 'nothing')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('build the app first');
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: sealpeer-app');
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
