// Fuzzing the server's parsers of untrusted bytes (issue 18, item 2): relay frames (parseFrame, pure)
// and HTTP bodies (POST /api/channels, POST .../sessions on a real server, through fastify's inject and
// over sockets). Every refusal carries a code of the registry (src/errors.ts) and stores nothing. Runs:
// test-support/fuzz.ts. The end-to-end property over real sockets (before and after login, bystanders
// untouched) is property.test.ts.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzz, fuzzAsync } from '../../../test-support/fuzz.ts';
import { httpFuzzRuns, sender } from '../../../test-support/http-transport.ts';
import { ERRORS } from '../src/errors.ts';
import { parseFrame } from '../src/relay/frames.ts';
import { createChannel, start, type TestServer } from './helpers.ts';

const KEYS = ['type', 'id', 'data', 'to', 'from', 'clientId', 'password', 'sessionId', 'public', 'name'];
const TYPES = ['login', 'echo', 'subscribe', 'publish', 'send', 'x'];
/** Bodies near the valid ones ({public, name?}, {sessionId}): right, or wrong in a field's type or value. */
const nearValid = fc
  .oneof(
    fc.record(
      {
        public: fc.oneof(fc.boolean(), fc.jsonValue({ maxDepth: 1 })),
        name: fc.oneof(fc.string({ maxLength: 70, unit: 'binary' }), fc.jsonValue({ maxDepth: 1 })),
      },
      { requiredKeys: ['public'] },
    ),
    fc.record({
      sessionId: fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), fc.jsonValue({ maxDepth: 1 })),
    }),
  )
  .map((o) => JSON.stringify(o));
/** Content types of the HTTP bodies ('' sends none). */
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'text/plain;charset=UTF-8',
  'application/x-www-form-urlencoded',
  '',
];

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

interface Stats {
  channels: number;
  credentials: number;
  connections: number;
}

describe('HTTP bodies', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await start({
      logLevel: 'silent',
      // A small channel, so that valid session bodies also meet channel_full within a run.
      limits: { credentialsPerMinute: 1_000_000, channelsPerMinute: 1_000_000, maxClientsPerChannel: 32 },
    });
  });
  afterAll(() => s.stop());

  // One property, two transports (test-support/http-transport.ts, httpFuzzRuns). inject: the same
  // server's routes, fastify content-type parsing, JSON schemas and SQLite store in process (three
  // requests per case), 10^4 cases: 2 200 cases/s measured on an idle machine (2026-12-03), ~4.5 s.
  // socket: the same property over real sockets (three round trips per case, 330-390 cases/s idle),
  // 300 cases, so the node:http path stays covered.
  it.each(httpFuzzRuns('server.http-bodies'))(
    'POST /api/channels and /sessions over %s: 2xx storing one thing, or a registered code and nothing stored',
    async (via, name, runs) => {
      const api = sender(via, s.inject.public, s.url);
      const admin = sender(via, s.inject.admin!, s.adminUrl!);
      const ch = await createChannel(s);
      const stats = async (): Promise<Stats> => {
        const { json } = await admin({ method: 'GET', path: '/admin/stats' });
        // The before/after comparisons below mean something only if stats answers.
        expect(json).toEqual({
          channels: expect.any(Number),
          credentials: expect.any(Number),
          connections: 0,
        });
        return json as Stats;
      };
      await fuzzAsync(
        name,
        fc.asyncProperty(
          fc.boolean(),
          fc.oneof({ arbitrary: jsonish, weight: 2 }, { arbitrary: nearValid, weight: 1 }),
          fc.constantFrom(...CONTENT_TYPES),
          async (sessions, body, type) => {
            const before = await stats();
            const path = sessions ? `/api/channels/${ch}/sessions` : '/api/channels';
            const r = await api({
              method: 'POST',
              path,
              body,
              headers: type ? { 'content-type': type } : {},
            });
            const after = await stats();
            // Accepted: one new channel, or one credential (none when the sessionId already had one).
            if (r.status === 201) {
              expect(after).toEqual({ ...before, channels: before.channels + 1 });
              return;
            }
            if (r.status === 200) {
              expect(after.channels).toBe(before.channels);
              expect([0, 1]).toContain(after.credentials - before.credentials);
              return;
            }
            const code = (r.json as { error?: { code?: unknown } } | undefined)?.error?.code;
            expect(typeof code, r.text).toBe('string');
            expect(Object.hasOwn(ERRORS, code as string), r.text).toBe(true);
            expect(after).toEqual(before);
          },
        ),
        runs,
      );
      expect((await api({ method: 'GET', path: '/healthz' })).json).toEqual({ ok: true });
    },
  );
});
