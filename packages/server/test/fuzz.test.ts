// Fuzzing the server's parsers of untrusted bytes (issue 18, item 2): relay frames (parseFrame, pure)
// and HTTP bodies (POST /api/channels, POST .../sessions on a real server). Every refusal carries a code
// of the registry (src/errors.ts) and stores nothing. Runs: test-support/fuzz.ts. The end-to-end
// property over real sockets (before and after login, bystanders untouched) is property.test.ts.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzz, fuzzAsync, fuzzRuns } from '../../../test-support/fuzz.ts';
import { ERRORS } from '../src/errors.ts';
import { parseFrame } from '../src/relay/frames.ts';
import { createChannel, http, start, type TestServer } from './helpers.ts';

const KEYS = ['type', 'id', 'data', 'to', 'from', 'clientId', 'password', 'sessionId', 'public', 'name'];
const TYPES = ['login', 'echo', 'subscribe', 'publish', 'send', 'x'];

/** JSON objects shaped like protocol messages and wrong in random ways, plus plain junk. */
const jsonish = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.json({ maxDepth: 3 }),
  fc
    .dictionary(
      fc.constantFrom(...KEYS),
      fc.oneof(
        fc.constantFrom(...TYPES),
        fc.string({ maxLength: 70 }),
        fc.uuid(),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      { maxKeys: 6 },
    )
    .map((o) => JSON.stringify(o)),
);

describe('relay frames', () => {
  it('parseFrame: a frame of a known shape, or a registered code', () => {
    fuzz(
      'server.parseFrame',
      fc.property(jsonish, (text) => {
        const r = parseFrame(text, 48 * 1024);
        if (!r.ok) {
          expect(Object.hasOwn(ERRORS, r.code)).toBe(true);
          return;
        }
        // Accepted: exactly the documented fields, all strings.
        for (const [k, v] of Object.entries(r.frame)) {
          expect(typeof v, k).toBe('string');
          expect(['type', 'id', 'data', 'to', 'clientId', 'password', 'sessionId']).toContain(k);
        }
      }),
    );
  });
});

describe('HTTP bodies', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await start({
      logLevel: 'silent',
      limits: { credentialsPerMinute: 1_000_000, channelsPerMinute: 1_000_000 },
    });
  });
  afterAll(() => s.stop());

  it('POST /api/channels and /sessions: 2xx, or a registered code and nothing stored', async () => {
    const ch = await createChannel(s);
    const stats = async () => (await http(s.adminUrl!, 'GET', '/admin/stats')).body;
    await fuzzAsync(
      'server.http-bodies',
      fc.asyncProperty(
        fc.boolean(),
        jsonish,
        fc.constantFrom('application/json', 'text/plain', ''),
        async (sessions, body, type) => {
          const before = await stats();
          const path = sessions ? `/api/channels/${ch}/sessions` : '/api/channels';
          const r = await http(s.url, 'POST', path, body, type ? { 'content-type': type } : {});
          const after = await stats();
          if (r.status === 201 || r.status === 200) return;
          expect(r.body?.error?.code, r.text).toBeDefined();
          expect(Object.hasOwn(ERRORS, r.body.error.code)).toBe(true);
          expect(after).toEqual(before);
        },
      ),
      // Three HTTP round trips per case: ~15 cases/s measured under load, 10^4 would take ~11 minutes.
      fuzzRuns(300),
    );
    expect((await http(s.url, 'GET', '/healthz')).body).toEqual({ ok: true });
  });
});
