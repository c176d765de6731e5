// Property tests: whatever an attacker sends, before or after login, the server stays up, answers only
// with documented frames, and the bystanders (in its channel and in another) never see any of it.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../src/errors.ts';
import {
  Client,
  type Cred,
  createChannel,
  credential,
  http,
  login,
  start,
  type TestServer,
} from './helpers.ts';

let s: TestServer;
beforeAll(async () => {
  s = await start({
    logLevel: 'silent',
    limits: { credentialsPerMinute: 100_000, channelsPerMinute: 100_000, maxConnectionsPerIp: 1000 },
  });
});
afterAll(() => s.stop());

const TYPES = ['login', 'echo', 'subscribe', 'publish', 'send', 'message', 'error', 'punt', 'peers', 'x'];
const KEYS = ['type', 'id', 'data', 'to', 'from', 'clientId', 'password', 'sessionId', 'ref', '__proto__'];

/** Frames that look like protocol frames but are wrong in random ways, plus plain junk. */
const frameArb = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.json({ maxDepth: 4 }),
  fc.uint8Array({ maxLength: 300 }),
  fc
    .dictionary(
      fc.constantFrom(...KEYS),
      fc.oneof(
        fc.constantFrom(...TYPES),
        fc.string({ maxLength: 80 }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.jsonValue({ maxDepth: 3 }),
      ),
      { maxKeys: 6 },
    )
    .map((o) => JSON.stringify(o)),
);

const documentedCodes = new Set(Object.keys(ERRORS));
const serverTypes = new Set(['error', 'login_ok', 'echo', 'peers', 'presence', 'publish', 'message', 'punt']);

async function bystanders(): Promise<{ a: Client; b: Client; other: Client; aCred: Cred; bCred: Cred }> {
  const ch = await createChannel(s);
  const aCred = await credential(s, ch);
  const bCred = await credential(s, ch);
  const a = await login(s, aCred);
  const b = await login(s, bCred);
  const other = await login(s, await credential(s, await createChannel(s)));
  for (const c of [a, b, other]) {
    c.send({ type: 'subscribe' });
    await c.next();
  }
  await a.next(); // b joined
  return { a, b, other, aCred, bCred };
}

describe('random frames', () => {
  it('never crash the server, get only documented answers, and never reach other clients', async () => {
    const { a, b, other, aCred, bCred } = await bystanders();
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(frameArb, { minLength: 1, maxLength: 8 }),
        async (loggedIn, frames) => {
          runs++;
          const attacker = loggedIn
            ? await login(s, await credential(s, aCred.channelId))
            : await Client.open(s.wsUrl);
          for (const f of frames) attacker.ws.send(f, { binary: f instanceof Uint8Array });
          attacker.send({ type: 'echo', id: 'end', data: 'end' });
          // Wait until the server has processed everything (the echo) or closed the socket.
          for (;;) {
            const got = await attacker.next(2000).catch(() => undefined);
            if (!got || got.ref === 'end') break;
          }
          for (const f of attacker.frames) {
            expect(serverTypes.has(f.type)).toBe(true);
            if (f.type === 'error') expect(documentedCodes.has(f.code)).toBe(true);
          }
          attacker.close();
          await attacker.closed;
          // Bystanders: the only thing they may have seen is the attacker's own presence/publish/message.
          for (const c of [a, b, other]) {
            for (const f of c.frames.splice(0)) {
              expect(c).not.toBe(other);
              expect(['presence', 'publish', 'message']).toContain(f.type);
              expect(typeof f.from === 'string' || f.type === 'presence').toBe(true);
              expect([aCred.clientId, bCred.clientId]).not.toContain(f.from ?? f.clientId);
            }
          }
          a.send({ type: 'send', id: 'chk', to: bCred.clientId, data: 'still' });
          expect(await b.next()).toEqual({ type: 'message', from: aCred.clientId, data: 'still' });
        },
      ),
      { numRuns: 60 },
    );
    console.log(`property runs: ${runs}`);
    expect(runs).toBe(60);
    expect((await http(s.url, 'GET', '/healthz')).body).toEqual({ ok: true });
    for (const c of [a, b, other]) c.close();
  });
});
