// --tls-cert/--tls-key: the server speaks https and wss itself (certificate made by openssl for the test;
// fetch has no per-request CA, so this file talks through node:https).
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type Loose, start, type TestServer, tempDir } from './helpers.ts';

let s: TestServer;
let ca: string;
let dir: string;
beforeAll(async () => {
  dir = tempDir('sealpeer-tls-');
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const subject = ['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'];
  const keyOpts = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1'];
  execFileSync('openssl', ['req', '-x509', ...keyOpts, '-keyout', key, '-out', cert, ...subject], {
    stdio: 'ignore',
  });
  ca = readFileSync(cert, 'utf8');
  s = await start({ tlsCert: cert, tlsKey: key });
});
afterAll(async () => {
  await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; headers: Loose; body: Loose }> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'content-type': 'application/json' };
    const req = request(`${s.url}${path}`, { ca, method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => {
        text += d.toString();
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) }),
      );
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('TLS', () => {
  it('serves https, with wss in the CSP and in /api/config', async () => {
    expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(s.wsUrl).toMatch(/^wss:\/\//);
    const h = await call('GET', '/healthz');
    expect(h.status).toBe(200);
    expect(h.body).toEqual({ ok: true });
    expect(String(h.headers['content-security-policy'])).toContain(s.wsUrl.replace(/\/ws$/, ''));
    expect((await call('GET', '/api/config')).body.wsUrl).toBe(s.wsUrl);
  });

  it('relays over wss', async () => {
    const ch = (await call('POST', '/api/channels', { public: false })).body;
    const sessionId = randomUUID();
    const cred = (await call('POST', `/api/channels/${ch.channelId}/sessions`, { sessionId })).body;
    const ws = new WebSocket(s.wsUrl, { ca });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ type: 'login', clientId: cred.clientId, password: cred.password, sessionId }));
    const reply = await new Promise<string>((resolve) => ws.once('message', (d) => resolve(d.toString())));
    expect(JSON.parse(reply)).toEqual({ type: 'login_ok', clientId: cred.clientId, channelId: ch.channelId });
    ws.close();
  });
});
