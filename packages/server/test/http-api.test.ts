import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel, credential, http, type Loose, start, type TestServer } from './helpers.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let s: TestServer;
beforeAll(async () => {
  s = await start({
    limits: { maxClientsPerChannel: 3, credentialsPerMinute: 1000, channelsPerMinute: 1000 },
  });
});
afterAll(() => s.stop());

function expectError(r: { status: number; body: Loose }, status: number, code: string): void {
  expect(r.status).toBe(status);
  expect(r.body).toEqual({ error: { code, message: expect.any(String) } });
}

describe('GET /healthz', () => {
  it('answers {"ok":true}', async () => {
    const r = await http(s.url, 'GET', '/healthz');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true });
  });
});

describe('POST /api/channels', () => {
  it('creates a channel with a random UUID v4', async () => {
    const r = await http(s.url, 'POST', '/api/channels', { name: 'lobby', public: true });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: 'lobby', public: true, peers: 0 });
    expect(r.body.channelId).toMatch(UUID_V4);
    expect(new Date(r.body.createdAt).toISOString()).toBe(r.body.createdAt);
    const again = await http(s.url, 'POST', '/api/channels', { public: true });
    expect(again.body.channelId).not.toBe(r.body.channelId);
    expect(again.body.name).toBeNull();
  });

  it.each([
    ['unknown field', { public: true, owner: 'me' }],
    ['public missing', { name: 'x' }],
    ['public as string', { public: 'true' }],
    ['public as number', { public: 1 }],
    ['name empty', { name: '', public: false }],
    ['name over 64', { name: 'x'.repeat(65), public: false }],
    ['name with a control character', { name: 'a\u0000b', public: false }],
    ['name as number', { name: 5, public: false }],
    ['array body', [{ public: true }]],
    ['null body', null],
    ['string body', 'just text'],
  ])('refuses %s with 400 invalid_request', async (_what, body) => {
    const r = await http(s.url, 'POST', '/api/channels', JSON.stringify(body));
    expectError(r, 400, 'invalid_request');
  });

  it('refuses malformed JSON with 400 and an empty body with 400', async () => {
    expectError(await http(s.url, 'POST', '/api/channels', '{"public":tru'), 400, 'invalid_request');
    expectError(await http(s.url, 'POST', '/api/channels', ''), 400, 'invalid_request');
    const proto = await http(s.url, 'POST', '/api/channels', '{"public":true,"__proto__":{"x":1}}');
    expectError(proto, 400, 'invalid_request');
  });

  it('refuses non-JSON bodies with 415', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream']) {
      const r = await http(s.url, 'POST', '/api/channels', 'public=true', { 'content-type': type });
      expectError(r, 415, 'unsupported_media_type');
    }
  });

  it('refuses a body over 16 KiB with 413', async () => {
    const r = await http(s.url, 'POST', '/api/channels', {
      public: true,
      name: 'x',
      pad: 'y'.repeat(17 * 1024),
    });
    expectError(r, 413, 'payload_too_large');
  });

  it('refuses a browser request from a foreign Origin with 403', async () => {
    const r = await http(
      s.url,
      'POST',
      '/api/channels',
      { public: true },
      { origin: 'https://evil.example' },
    );
    expectError(r, 403, 'origin_not_allowed');
    const own = await http(s.url, 'POST', '/api/channels', { public: true }, { origin: s.url });
    expect(own.status).toBe(201);
  });
});

describe('CORS', () => {
  it('answers /api reads and preflights for an allowed origin only, without credentials', async () => {
    const other = await start({ allowedOrigins: ['https://app.example'] });
    try {
      const ok = await http(other.url, 'GET', '/api/config', undefined, { origin: 'https://app.example' });
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
      const pre = await http(other.url, 'OPTIONS', '/api/channels', undefined, {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
      });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-methods')).toBe('GET, POST');
      const evil = await http(other.url, 'GET', '/api/config', undefined, { origin: 'https://evil.example' });
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
      const evilPre = await http(other.url, 'OPTIONS', '/api/channels', undefined, {
        origin: 'https://evil.example',
      });
      expect(evilPre.status).toBe(403);
      expect(evilPre.headers.get('access-control-allow-origin')).toBeNull();
      const metrics = await http(other.url, 'GET', '/metrics', undefined, { origin: 'https://app.example' });
      expect(metrics.status).toBe(404);
      expect(metrics.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await other.stop();
    }
  });
});

describe('GET /api/channels', () => {
  it('lists public channels only, never a private one', async () => {
    const pub = await createChannel(s, true, 'open');
    const priv = await createChannel(s, false, 'secret');
    const r = await http(s.url, 'GET', '/api/channels');
    expect(r.status).toBe(200);
    const ids = r.body.channels.map((c: { channelId: string }) => c.channelId);
    expect(ids).toContain(pub);
    expect(ids).not.toContain(priv);
    expect(r.text).not.toContain('secret');
    for (const c of r.body.channels) expect(Object.keys(c).sort()).toEqual(['channelId', 'name', 'peers']);
  });
});

describe('GET /api/channels/:channelId', () => {
  it('returns a private channel to whoever knows its id', async () => {
    const id = await createChannel(s, false, 'p');
    const r = await http(s.url, 'GET', `/api/channels/${id}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ channelId: id, name: 'p', public: false, peers: 0 });
    const upper = await http(s.url, 'GET', `/api/channels/${id.toUpperCase()}`);
    expect(upper.body.channelId).toBe(id);
  });

  it('404 channel_not_found for an unknown id, 400 for a non-UUID', async () => {
    expectError(await http(s.url, 'GET', `/api/channels/${randomUUID()}`), 404, 'channel_not_found');
    for (const bad of ['abc', '1234', `urn:uuid:${randomUUID()}`, `${randomUUID()}x`, '%00'])
      expectError(
        await http(s.url, 'GET', `/api/channels/${encodeURIComponent(bad)}`),
        400,
        'invalid_request',
      );
  });
});

describe('POST /api/channels/:channelId/sessions', () => {
  it('get-or-create: same session -> same client, fresh password; other session -> other client', async () => {
    const ch = await createChannel(s);
    const sid = randomUUID();
    const a = await credential(s, ch, sid);
    expect(a.clientId).toMatch(UUID_V4);
    expect(a.password.length).toBeGreaterThanOrEqual(43);
    expect(Date.parse(a.expiresAt)).toBeGreaterThan(Date.now() + 13 * 86_400_000);
    const again = await credential(s, ch, sid);
    expect(again.clientId).toBe(a.clientId);
    expect(again.password).not.toBe(a.password);
    const other = await credential(s, ch);
    expect(other.clientId).not.toBe(a.clientId);
  });

  it('refuses bad input: non-UUID session or channel, unknown fields, wrong types, unknown channel', async () => {
    const ch = await createChannel(s);
    const path = `/api/channels/${ch}/sessions`;
    for (const body of [{ sessionId: 'nope' }, { sessionId: 5 }, {}, { sessionId: randomUUID(), x: 1 }, []])
      expectError(await http(s.url, 'POST', path, body), 400, 'invalid_request');
    expectError(
      await http(s.url, 'POST', '/api/channels/zzz/sessions', { sessionId: randomUUID() }),
      400,
      'invalid_request',
    );
    const unknown = await http(s.url, 'POST', `/api/channels/${randomUUID()}/sessions`, {
      sessionId: randomUUID(),
    });
    expectError(unknown, 404, 'channel_not_found');
    expectError(
      await http(s.url, 'POST', path, 'sessionId', { 'content-type': 'text/plain' }),
      415,
      'unsupported_media_type',
    );
  });

  it('409 channel_full beyond the client limit, while existing sessions still refresh', async () => {
    const ch = await createChannel(s);
    const sids = [randomUUID(), randomUUID(), randomUUID()];
    for (const sid of sids) await credential(s, ch, sid);
    const r = await http(s.url, 'POST', `/api/channels/${ch}/sessions`, { sessionId: randomUUID() });
    expectError(r, 409, 'channel_full');
    await expect(credential(s, ch, sids[0])).resolves.toMatchObject({ sessionId: sids[0] });
  });
});

describe('errors and headers on every response', () => {
  it('unknown routes answer JSON 404 not_found; a malformed URL is 400 invalid_request', async () => {
    expectError(await http(s.url, 'GET', '/api/nothing'), 404, 'not_found');
    const bad = await http(s.url, 'GET', '/api/channels/%zz');
    expectError(bad, 400, 'invalid_request');
    expect(bad.headers.get('content-security-policy')).toContain("default-src 'self'");
    expectError(await http(s.url, 'DELETE', '/api/channels'), 404, 'not_found');
  });

  it('every response carries CSP, no-referrer and nosniff', async () => {
    for (const [m, p] of [
      ['GET', '/healthz'],
      ['GET', '/api/nothing'],
      ['GET', '/'],
      ['GET', '/p/anything'],
      ['POST', '/api/channels'],
    ] as const) {
      const r = await http(s.url, m, p, m === 'POST' ? 'x' : undefined);
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("form-action 'none'");
      expect(csp).toContain(`connect-src 'self' ${s.wsUrl.replace(/\/ws$/, '')}`);
      expect(csp).toContain('http://127.0.0.1:8090');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('GET /api/config tells the app where the keyshare and relay are', async () => {
    const r = await http(s.url, 'GET', '/api/config');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      keyshareUrls: ['http://127.0.0.1:8090'],
      iceServers: [],
      wsUrl: s.wsUrl,
      turn: false,
    });
  });
});
