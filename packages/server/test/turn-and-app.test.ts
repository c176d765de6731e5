import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { turnCredential } from '../src/turn.ts';
import { createChannel, credential, http, start, type TestServer, tempDir } from './helpers.ts';

let s: TestServer | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

/** GET with the path sent exactly as given (fetch would normalise `..`). */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/`, { path }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const basic = (id: string, pw: string) => ({
  authorization: `Basic ${Buffer.from(`${id}:${pw}`).toString('base64')}`,
});

describe('TURN REST credentials', () => {
  it('matches a fixed coturn use-auth-secret vector', () => {
    // username "1700003600:alice", secret "north"; HMAC-SHA1 computed with
    // `printf '1700003600:alice' | openssl dgst -sha1 -hmac north -binary | base64`.
    const t = turnCredential('north', 'alice', 1_700_000_000_000, 3_600_000);
    expect(t).toEqual({
      username: '1700003600:alice',
      credential: 'wjwSXO2ch1B6VaLTLMy2Avn5O9o=',
      ttl: 3600,
    });
  });

  it('404 turn_disabled without a secret', async () => {
    s = await start();
    const r = await http(s.url, 'GET', '/api/turn');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('turn_disabled');
  });

  it('hands a logged-in client credentials valid for at most the ttl; refuses anyone else', async () => {
    s = await start({ turnSecret: 'north', turnUrls: ['turn:turn.example:3478'], turnTtlMs: 600_000 });
    const cred = await credential(s, await createChannel(s));
    const ok = await http(s.url, 'GET', '/api/turn', undefined, basic(cred.clientId, cred.password));
    expect(ok.status).toBe(200);
    const [expiry, user] = ok.body.username.split(':');
    expect(user).toBe(cred.clientId);
    expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(590);
    expect(Number(expiry) - Date.now() / 1000).toBeLessThanOrEqual(601);
    expect(ok.body.ttl).toBe(600);
    expect(ok.body.credential).toBe(
      turnCredential('north', cred.clientId, (Number(expiry) - 600) * 1000, 600_000).credential,
    );
    expect(ok.body.iceServers).toEqual([
      { urls: ['turn:turn.example:3478'], username: ok.body.username, credential: ok.body.credential },
    ]);
    for (const headers of [
      {},
      basic(cred.clientId, 'wrong'),
      { authorization: 'Bearer x' },
      { authorization: 'Basic !!!' },
    ]) {
      const r = await http(s.url, 'GET', '/api/turn', undefined, headers);
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('auth_failed');
      expect(r.headers.get('www-authenticate')).toBeNull();
    }
    expect(s.logs.filter((l) => l.event === 'auth_failed').length).toBe(4);
    const cfg = await http(s.url, 'GET', '/api/config');
    expect(cfg.body.turn).toBe(true);
  });

  it('failed TURN logins count towards the IP lockout', async () => {
    s = await start({ turnSecret: 'k', limits: { lockoutFailures: 2 } });
    const cred = await credential(s, await createChannel(s));
    for (let i = 0; i < 2; i++) await http(s.url, 'GET', '/api/turn', undefined, basic(cred.clientId, 'x'));
    const r = await http(s.url, 'GET', '/api/turn', undefined, basic(cred.clientId, cred.password));
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('locked_out');
  });
});

describe('serving the browser app', () => {
  it('serves the built app with an SPA fallback; API-like paths stay JSON 404', async () => {
    const appDir = join(tempDir(), 'dist');
    mkdirSync(join(appDir, 'assets'), { recursive: true });
    writeFileSync(
      join(appDir, 'index.html'),
      '<!doctype html><title>app</title><script src="/assets/app.js"></script>',
    );
    writeFileSync(join(appDir, 'assets/app.js'), 'console.log(1)');
    s = await start({
      appDir,
      keyshareUrls: ['https://keys.example:8443'],
      iceServers: [{ urls: 'stun:stun.example:3478' }],
    });
    for (const p of ['/', '/p/abc', '/c/some/deep/path']) {
      const r = await http(s.url, 'GET', p);
      expect(r.status, p).toBe(200);
      expect(r.text).toContain('<title>app</title>');
      expect(r.headers.get('content-security-policy')).toContain('https://keys.example:8443');
    }
    const js = await http(s.url, 'GET', '/assets/app.js');
    expect(js.text).toBe('console.log(1)');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    for (const p of ['/assets/missing.js', '/api/nope', '/metrics', '/admin/stats', '/ws'])
      expect((await http(s.url, 'GET', p)).body?.error?.code, p).toBe('not_found');
    for (const p of ['/../../etc/passwd', '/assets/../../index.html', '/%2e%2e/%2e%2e/etc/passwd']) {
      const r = await rawGet(s.url, p);
      expect(r.status, p).toBe(404);
      expect(r.body, p).not.toContain('root:');
    }
    const cfg = await http(s.url, 'GET', '/api/config');
    expect(cfg.body.keyshareUrls).toEqual(['https://keys.example:8443']);
    expect(cfg.body.iceServers).toEqual([{ urls: 'stun:stun.example:3478' }]);
    // The app's /config.json ("where is the relay?") is answered, not a 404: {} means "this origin".
    const rc = await http(s.url, 'GET', '/config.json');
    expect([rc.status, rc.body, rc.headers.get('cache-control')]).toEqual([200, {}, 'no-store']);
  });

  it("an operator's config.json in the app dir is served as it is", async () => {
    const appDir = join(tempDir(), 'dist');
    mkdirSync(appDir, { recursive: true });
    writeFileSync(join(appDir, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(appDir, 'config.json'), '{"server":"https://relay.example"}');
    s = await start({ appDir });
    expect((await http(s.url, 'GET', '/config.json')).body).toEqual({ server: 'https://relay.example' });
  });

  it('without a build, / and app paths show a placeholder page', async () => {
    s = await start({ appDir: join(tempDir(), 'nothing-here') });
    for (const p of ['/', '/p/x']) {
      const r = await http(s.url, 'GET', p);
      expect(r.status).toBe(200);
      expect(r.text).toContain('has not been built');
    }
  });

  it('--public-url sets the wsUrl for the app and is an allowed origin', async () => {
    s = await start({ publicUrl: 'https://relay.example' });
    const cfg = await http(s.url, 'GET', '/api/config');
    expect(cfg.body.wsUrl).toBe('wss://relay.example/ws');
    const r = await http(
      s.url,
      'POST',
      '/api/channels',
      { public: false },
      { origin: 'https://relay.example' },
    );
    expect(r.status).toBe(201);
  });
});
