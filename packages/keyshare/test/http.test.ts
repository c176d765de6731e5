// The HTTP surface with strangers' input: oversize, malformed and wrong-type bodies, bad params and
// queries, rate limits, CORS, metrics, and the error shape of every refusal.
import { KeyshareClient } from '@sealpeer/client';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/errors.ts';
import { errorCode, postJson, signedClaim, startTestKeyshare, testKey } from './helpers.ts';

async function expectError(res: Response | Promise<Response>, status: number, code: string): Promise<void> {
  const r = await res;
  expect(r.status).toBe(status);
  const c = await errorCode(r);
  expect(c).toBe(code);
  expect(c in ERROR_CODES).toBe(true);
}

describe('HTTP API refusals', () => {
  it('bodies: oversize, malformed JSON, empty, wrong media type', async () => {
    const ks = await startTestKeyshare();
    const url = `${ks.url}/v1/records`;
    await expectError(postJson(url, JSON.stringify({ pad: 'x'.repeat(17 * 1024) })), 413, 'body_too_large');
    await expectError(postJson(url, '{"v":1,'), 400, 'malformed_json');
    await expectError(postJson(url, ''), 400, 'malformed_json');
    await expectError(postJson(url, 'null'), 400, 'invalid_request');
    await expectError(postJson(url, '"a string"'), 400, 'invalid_request');
    await expectError(
      fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' }),
      415,
      'unsupported_media_type',
    );
    await expectError(
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1',
      }),
      415,
      'unsupported_media_type',
    );
    const health = (await (await fetch(`${ks.url}/healthz`)).json()) as { treeSize: number };
    expect(health.treeSize).toBe(0);
  });

  it('body fields of the wrong type are refused, never coerced (handle: 123 is not "123")', async () => {
    const ks = await startTestKeyshare();
    const url = `${ks.url}/v1/records`;
    const good = await signedClaim('123');
    const wrongTypes: Array<[Record<string, unknown>, string]> = [
      [{ handle: 123 }, 'handle_invalid'],
      [{ handle: ['123'] }, 'handle_invalid'],
      [{ seq: '0' }, 'invalid_request'],
      [{ seq: true }, 'invalid_request'],
      [{ seq: null }, 'invalid_request'],
      [{ v: '1' }, 'invalid_request'],
      [{ createdAt: String(good.createdAt) }, 'invalid_request'],
      [{ expiresAt: false }, 'invalid_request'],
      [{ expiresAt: '' }, 'invalid_request'],
      [{ kind: ['claim'] }, 'invalid_request'],
    ];
    for (const [patch, code] of wrongTypes) {
      await expectError(postJson(url, { ...good, ...patch }), 400, code);
    }
    expect(((await (await fetch(`${ks.url}/healthz`)).json()) as { treeSize: number }).treeSize).toBe(0);
    // The same record with the right types is accepted: the refusals above were about the types.
    expect((await postJson(url, good)).status).toBe(201);
  });

  it('params and queries', async () => {
    const ks = await startTestKeyshare({ maxLeavesPage: 2 });
    const c = new KeyshareClient({ url: ks.url, verifierKey: ks.verifierKey });
    for (const h of ['alice', 'bob', 'carol']) await c.publish(h, testKey(h));
    for (const bad of ['AL', 'Alice', 'a'.repeat(65), 'al%20ice', '%00%00%00', 'x'.repeat(300)]) {
      await expectError(fetch(`${ks.url}/v1/records/${bad}`), 400, 'handle_invalid');
    }
    await expectError(fetch(`${ks.url}/v1/records/nobody`), 404, 'not_found');
    await expectError(fetch(`${ks.url}/v1/nothing`), 404, 'not_found');
    for (const q of [
      '',
      'old=1',
      'old=a&new=2',
      'old=-1&new=2',
      'old=1.5&new=2',
      'old=1&new=2&x=1',
      // Validated as decimal text, not coerced: these once read as numbers.
      'old=1&new=1e400',
      'old=1.0&new=2',
      'old=&new=2',
      'old=01&new=2',
      'old=%201&new=2',
      'old=1&old=2&new=2',
    ]) {
      await expectError(fetch(`${ks.url}/v1/proof/consistency?${q}`), 400, 'invalid_request');
    }
    for (const q of ['old=0&new=2', 'old=3&new=2', 'old=1&new=4', 'old=1&new=9007199254740991']) {
      await expectError(fetch(`${ks.url}/v1/proof/consistency?${q}`), 400, 'bad_range');
    }
    for (const q of ['start=2&end=2', 'start=0&end=4', 'start=3&end=1']) {
      await expectError(fetch(`${ks.url}/v1/leaves?${q}`), 400, 'bad_range');
    }
    await expectError(fetch(`${ks.url}/v1/leaves?start=0`), 400, 'invalid_request');
    const page = (await (await fetch(`${ks.url}/v1/leaves?start=0&end=3`)).json()) as {
      end: number;
      leaves: string[];
    };
    expect(page.end).toBe(2);
    expect(page.leaves).toHaveLength(2);
    const same = (await (await fetch(`${ks.url}/v1/proof/consistency?old=3&new=3`)).json()) as {
      proof: string[];
    };
    expect(same.proof).toEqual([]);
  });

  it('rate limits per IP, reads and writes apart', async () => {
    const ks = await startTestKeyshare({ rateLimits: { readPerMinute: 3, writePerMinute: 1 } });
    for (let i = 0; i < 3; i++) expect((await fetch(`${ks.url}/v1/checkpoint`)).status).toBe(200);
    const limited = await fetch(`${ks.url}/v1/checkpoint`);
    expect(limited.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
    await expectError(limited, 429, 'rate_limited');
    expect((await fetch(`${ks.url}/healthz`)).status).toBe(200); // health checks are not limited
    await expectError(postJson(`${ks.url}/v1/records`, '{}'), 400, 'invalid_request');
    await expectError(postJson(`${ks.url}/v1/records`, '{}'), 429, 'rate_limited');
  });

  it('CORS only for the allowed origins', async () => {
    const ks = await startTestKeyshare({ allowedOrigins: ['http://app.example'] });
    const ok = await fetch(`${ks.url}/v1/checkpoint`, { headers: { origin: 'http://app.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://app.example');
    const other = await fetch(`${ks.url}/v1/checkpoint`, { headers: { origin: 'http://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await fetch(`${ks.url}/v1/records`, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    const preEvil = await fetch(`${ks.url}/v1/records`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example' },
    });
    expect(preEvil.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('serves Prometheus metrics on the admin port only', async () => {
    const ks = await startTestKeyshare({ metricsPort: 0 });
    const c = new KeyshareClient({ url: ks.url, verifierKey: ks.verifierKey });
    await c.publish('alice', testKey('alice'));
    await postJson(`${ks.url}/v1/records`, '{}');
    expect(ks.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const text = await (await fetch(ks.metricsUrl!)).text();
    expect(text).toMatch(/sealpeer_keyshare_tree_size 1/);
    expect(text).toMatch(/sealpeer_keyshare_records_logged_total\{kind="claim"\} 1/);
    expect(text).toMatch(/sealpeer_keyshare_http_request_duration_seconds_count\{[^}]*status="400"/);
    expect((await fetch(`${ks.url}/metrics`)).status).toBe(404);
  });
});
