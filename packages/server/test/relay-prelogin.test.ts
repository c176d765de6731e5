// docs/protocol.md 1.5 "Connection states": in awaiting_login, any frame other than a valid login is
// terminal — its error frame, then the close code at once (not after the invalid-frame budget or the
// login timeout). One case per kind of pre-login frame, each on a real server and socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeCodeOf } from '../src/errors.ts';
import {
  Client,
  type Closed,
  type Cred,
  createChannel,
  credential,
  start,
  type TestServer,
} from './helpers.ts';

let s: TestServer;
let cred: Cred;
beforeAll(async () => {
  // Long login timeout and invalid-frame budget: a close can only come from the terminal-refusal rule.
  s = await start({ limits: { loginTimeoutMs: 60_000, maxInvalidFrames: 1000 } });
  cred = await credential(s, await createChannel(s));
});
afterAll(() => s.stop());

/** The close, or a failure if it does not come within `ms` (the rule says "at once"). */
async function closedWithin(c: Client, ms = 2000): Promise<Closed> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`socket still open ${ms} ms after a refused pre-login frame`)), ms);
  });
  try {
    return await Promise.race([c.closed, timeout]);
  } finally {
    clearTimeout(t);
  }
}

const login = (): Record<string, unknown> => ({
  type: 'login',
  clientId: cred.clientId,
  password: cred.password,
  sessionId: cred.sessionId,
});

type Frame = string | Buffer | Record<string, unknown>;

const cases: Array<[string, () => Frame, string, string | undefined]> = [
  ['login with "sessionId": null', () => ({ ...login(), id: 'n', sessionId: null }), 'invalid_message', 'n'],
  ['login with "clientId": 7', () => ({ ...login(), id: 'c', clientId: 7 }), 'invalid_message', 'c'],
  [
    'login without password',
    () => ({ type: 'login', clientId: cred.clientId }),
    'invalid_message',
    undefined,
  ],
  ['login with an unknown field', () => ({ ...login(), id: 'u', extra: 'x' }), 'invalid_message', 'u'],
  [
    'login with a client-supplied from',
    () => ({ ...login(), from: cred.clientId }),
    'invalid_message',
    undefined,
  ],
  [
    'login with an over-long password',
    () => ({ ...login(), password: 'p'.repeat(129) }),
    'invalid_message',
    undefined,
  ],
  ['login with a numeric id', () => ({ ...login(), id: 1 }), 'invalid_message', undefined],
  ['login with an id over 64', () => ({ ...login(), id: 'i'.repeat(65) }), 'invalid_message', undefined],
  ['type missing', () => ({ clientId: cred.clientId }), 'invalid_message', undefined],
  ['type as number', () => ({ type: 1 }), 'invalid_message', undefined],
  ['not JSON', () => '{"type":"login",', 'invalid_message', undefined],
  ['JSON array', () => '[{"type":"login"}]', 'invalid_message', undefined],
  ['JSON null', () => 'null', 'invalid_message', undefined],
  ['JSON string', () => '"login"', 'invalid_message', undefined],
  ['empty text frame', () => '', 'invalid_message', undefined],
  [
    'binary frame holding a valid login',
    () => Buffer.from(JSON.stringify(login())),
    'invalid_message',
    undefined,
  ],
  [
    'echo with data over 48 KiB',
    () => ({ type: 'echo', data: 'x'.repeat(48 * 1024 + 1) }),
    'invalid_message',
    undefined,
  ],
  ['unknown type', () => ({ type: 'dance', id: 'd' }), 'login_required', 'd'],
  ['valid echo', () => ({ type: 'echo', id: 'e', data: 'x' }), 'login_required', 'e'],
  ['valid subscribe', () => ({ type: 'subscribe' }), 'login_required', undefined],
  ['valid publish', () => ({ type: 'publish', data: 'x' }), 'login_required', undefined],
  ['valid send', () => ({ type: 'send', to: cred.clientId, data: 'x' }), 'login_required', undefined],
  [
    'login without sessionId',
    () => ({ type: 'login', clientId: cred.clientId, password: cred.password }),
    'session_required',
    undefined,
  ],
  ['login with a wrong password', () => ({ ...login(), password: 'wrong' }), 'auth_failed', undefined],
];

describe('before login, every frame but a valid login is terminal', () => {
  it.each(cases)('%s -> %s, closed at once', async (_what, make, code, ref) => {
    const c = await Client.open(s.wsUrl);
    const frame = make();
    if (Buffer.isBuffer(frame)) c.ws.send(frame, { binary: true });
    else c.send(frame);
    // A valid login right behind it must not be answered: the first frame decided the socket's fate.
    c.send(login());
    const closed = await closedWithin(c);
    expect(closed.code).toBe(closeCodeOf(code as Parameters<typeof closeCodeOf>[0]));
    expect(c.frames).toHaveLength(1);
    expect(c.frames[0]).toEqual({
      type: 'error',
      code,
      message: expect.any(String),
      ...(ref ? { ref } : {}),
    });
  });

  it('a frame over 64 KiB before login closes 1009 at once', async () => {
    const c = await Client.open(s.wsUrl);
    c.send({ ...login(), password: 'p'.repeat(65 * 1024) });
    expect((await closedWithin(c)).code).toBe(1009);
    expect(c.frames).toEqual([]);
  });

  it('the refused sockets were all released: a valid login still works', async () => {
    const c = await Client.open(s.wsUrl);
    c.send(login());
    expect(await c.next()).toMatchObject({ type: 'login_ok', clientId: cred.clientId });
    c.close();
  });
});
