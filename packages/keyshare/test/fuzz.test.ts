// Fuzzing the keyshare's and the witness's parsers of untrusted bytes (issue 18, item 2): record bodies
// (KeyshareService.publish, the POST /v1/records parser and rules) and tlog-witness add-checkpoint
// bodies (a real witness, through fastify's inject and over sockets). Every refusal is an ApiError with
// a code in ERROR_CODES (the package registry), and leaves no trace: the tree size and checkpoint
// (keyshare) and the latest cosigned checkpoint (witness) are unchanged. Runs: test-support/fuzz.ts.
import * as keyshare from '@sealpeer/client/keyshare';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzz, fuzzAsync } from '../../../test-support/fuzz.ts';
import { httpFuzzRuns, sender } from '../../../test-support/http-transport.ts';
import { ApiError, ERROR_CODES } from '../src/index.ts';
import { signedClaim, startTestKeyshare } from './helpers.ts';
import { MemLog, startTestWitness } from './witness-support.ts';

function refusedWithRegisteredCode(err: unknown): void {
  expect(err).toBeInstanceOf(ApiError);
  expect(Object.hasOwn(ERROR_CODES, (err as ApiError).code), (err as ApiError).code).toBe(true);
}

/** A valid JSON value with one field replaced, removed or added. */
function jsonNear(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  return fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.tuple(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 2 })).map(([k, v]) => ({ ...valid, [k]: v })),
    fc.constantFrom(...keys).map((k) => {
      const c = { ...valid };
      delete c[k];
      return c;
    }),
    fc
      .tuple(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }))
      .map(([k, v]) => ({ ...valid, [k]: v })),
    fc
      .tuple(
        fc.constantFrom(...keys.filter((k) => typeof valid[k] === 'string')),
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 1 }),
      )
      .map(([k, i, ch]) => {
        const s = valid[k] as string;
        const at = i % (s.length || 1);
        return { ...valid, [k]: s.slice(0, at) + ch + s.slice(at + 1) };
      }),
  );
}

describe('keyshare record bodies', () => {
  it('publish(random and mutated records): a registered code, and the log does not move', async () => {
    const ks = await startTestKeyshare({ maxClockSkewMs: Number.MAX_SAFE_INTEGER });
    const claim = await signedClaim('fuzzer');
    let accepted = 0;
    fuzz(
      'keyshare.publish',
      fc.property(jsonNear(claim as unknown as Record<string, unknown>), (body) => {
        const size = ks.service.size;
        const checkpoint = ks.service.checkpoint();
        try {
          ks.service.publish(body);
          accepted++;
          expect(ks.service.size).toBe(size + 1);
        } catch (err) {
          refusedWithRegisteredCode(err);
          expect(ks.service.size).toBe(size);
          expect(ks.service.checkpoint()).toBe(checkpoint);
        }
      }),
    );
    // At most the one valid claim (or an equally valid mutation of it, e.g. a changed ignored field).
    expect(accepted).toBeLessThanOrEqual(1);
  });
});

describe('witness add-checkpoint bodies', () => {
  // One property, two transports (test-support/http-transport.ts, httpFuzzRuns), each on its own
  // witness. inject: the real witness's route, body parser, rate limit hook and SQLite state in process,
  // 10^4 cases: 2 600-3 900 cases/s measured on an idle machine (2026-12-03), 2.5-4 s. socket: the same
  // property over real sockets (a round trip per case, 600-1 200 cases/s idle), 300 cases, so the
  // node:http path stays covered.
  it.each(httpFuzzRuns('witness.add-checkpoint'))(
    'random and mutated bodies over %s: a registered code, and the cosigned state does not move',
    async (via, name, runs) => {
      const log = new MemLog(keyshare.generateNoteSigner('fuzz.test/log')).grow(4);
      const w = await startTestWitness({ logs: [log.verifierKey], ratePerMinute: 0 });
      const send = sender(via, w.inject, w.url);
      const add = (body: string, type = '') =>
        send({
          method: 'POST',
          path: '/add-checkpoint',
          body,
          headers: type ? { 'content-type': type } : {},
        });
      expect((await add(log.body(0))).status).toBe(200);
      log.grow(3);
      const valid = log.body(4);
      const at = (i: number) => i % (valid.length + 1);
      const body = fc.oneof(
        fc.string({ maxLength: 300 }),
        fc
          .tuple(fc.nat(), fc.string({ maxLength: 3 }))
          .map(([i, s]) => valid.slice(0, at(i)) + s + valid.slice(at(i) + 1)),
        fc.nat().map((i) => valid.slice(0, at(i))),
        fc.nat({ max: 12 }).map((n) => valid.replace(/^old 4/, `old ${n}`)),
      );
      // The body is the tlog-witness text format whatever the content type says ('' sends none).
      const type = fc.constantFrom(
        '',
        'text/plain;charset=UTF-8',
        'application/json',
        'application/octet-stream',
      );
      let before = w.state.latest(log.signer.name);
      await fuzzAsync(
        name,
        fc.asyncProperty(body, type, async (b, t) => {
          const r = await add(b, t);
          const latest = w.state.latest(log.signer.name);
          if (r.status === 200) {
            // The valid extension itself (or a mutation that still is one) moves the state, once.
            expect(latest?.size).toBe(7);
            before = latest;
            return;
          }
          expect(latest?.size).toBe(before?.size);
          expect([400, 403, 404, 409, 413, 422]).toContain(r.status);
          if (r.status === 409) expect(r.text).toBe(`${before?.size}\n`);
          else expect(Object.hasOwn(ERROR_CODES, JSON.parse(r.text).error.code)).toBe(true);
        }),
        runs,
      );
    },
  );
});
