import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Client, createChannel, credential, login, refusedUpgrade, serverPerTest } from './helpers.ts';

const start = serverPerTest();

async function expectRefused(c: Client, code: string, close: number): Promise<void> {
  const f = await c.next();
  expect(f).toMatchObject({ type: 'error', code });
  expect((await c.closed).code).toBe(close);
}

describe('login', () => {
  it('logs in with the credential and its session', async () => {
    const s = await start();
    const ch = await createChannel(s);
    const cred = await credential(s, ch);
    const c = await Client.open(s.wsUrl);
    c.send({
      type: 'login',
      id: 'l1',
      clientId: cred.clientId,
      password: cred.password,
      sessionId: cred.sessionId,
    });
    expect(await c.next()).toEqual({ type: 'login_ok', clientId: cred.clientId, channelId: ch, ref: 'l1' });
    c.close();
  });

  it('refuses a wrong password, an unknown client and a wrong session with auth_failed + 4401', async () => {
    const s = await start();
    const cred = await credential(s, await createChannel(s));
    const cases = [
      { clientId: cred.clientId, password: `${cred.password}x`, sessionId: cred.sessionId },
      { clientId: randomUUID(), password: cred.password, sessionId: cred.sessionId },
      { clientId: cred.clientId, password: cred.password, sessionId: randomUUID() },
    ];
    for (const login of cases) {
      const c = await Client.open(s.wsUrl);
      c.send({ type: 'login', ...login });
      await expectRefused(c, 'auth_failed', 4401);
    }
    const failures = s.logs.filter((l) => l.event === 'auth_failed');
    expect(failures).toHaveLength(3);
    expect(failures[0]).toMatchObject({ ip: '127.0.0.1', clientId: cred.clientId });
  });

  it('refuses a login without sessionId with session_required', async () => {
    const s = await start();
    const cred = await credential(s, await createChannel(s));
    const c = await Client.open(s.wsUrl);
    c.send({ type: 'login', clientId: cred.clientId, password: cred.password });
    await expectRefused(c, 'session_required', 4401);
  });

  it('refuses an expired credential, and a refreshed one logs in again', async () => {
    let now = Date.now();
    const s = await start({ credentialTtlMs: 60_000, now: () => now });
    const ch = await createChannel(s);
    const cred = await credential(s, ch);
    now += 61_000;
    const c = await Client.open(s.wsUrl);
    c.send({ type: 'login', clientId: cred.clientId, password: cred.password, sessionId: cred.sessionId });
    await expectRefused(c, 'auth_failed', 4401);
    const fresh = await credential(s, ch, cred.sessionId);
    (await login(s, fresh)).close();
  });

  it('the first frame must be a login: anything else is login_required + 4401', async () => {
    const s = await start();
    const c = await Client.open(s.wsUrl);
    c.send({ type: 'subscribe', id: 'x' });
    const f = await c.next();
    expect(f).toMatchObject({ type: 'error', code: 'login_required', ref: 'x' });
    expect((await c.closed).code).toBe(4401);
    const d = await Client.open(s.wsUrl);
    d.send({ type: 'dance' });
    await expectRefused(d, 'login_required', 4401);
  });

  it('closes a socket that does not log in in time with login_timeout + 4408', async () => {
    const s = await start({ limits: { loginTimeoutMs: 150 } });
    const c = await Client.open(s.wsUrl);
    await expectRefused(c, 'login_timeout', 4408);
  });

  it('a second login with the same credential punts the older socket (4409)', async () => {
    const s = await start();
    const ch = await createChannel(s);
    const cred = await credential(s, ch);
    const peerCred = await credential(s, ch);
    const peer = await login(s, peerCred);
    peer.send({ type: 'subscribe' });
    await peer.next();
    const first = await login(s, cred);
    first.send({ type: 'subscribe' });
    expect(await first.next()).toMatchObject({ type: 'peers' });
    expect(await peer.next()).toEqual({ type: 'presence', event: 'join', clientId: cred.clientId });
    const second = await login(s, cred);
    expect(await first.next()).toEqual({ type: 'punt' });
    expect((await first.closed).code).toBe(4409);
    expect(await peer.next()).toEqual({ type: 'presence', event: 'leave', clientId: cred.clientId });
    // The new socket is the live one: messages reach it, not the punted one.
    peer.send({ type: 'send', to: cred.clientId, data: 'hi' });
    expect(await second.next()).toEqual({ type: 'message', from: peerCred.clientId, data: 'hi' });
    expect(first.frames).toEqual([]);
    second.close();
    peer.close();
  });

  it('a login after login is unsupported_type, and the connection stays usable', async () => {
    const s = await start();
    const cred = await credential(s, await createChannel(s));
    const c = await login(s, cred);
    c.send({
      type: 'login',
      id: 'again',
      clientId: cred.clientId,
      password: cred.password,
      sessionId: cred.sessionId,
    });
    expect(await c.next()).toMatchObject({ type: 'error', code: 'unsupported_type', ref: 'again' });
    c.send({ type: 'echo', data: 'still here' });
    expect(await c.next()).toEqual({ type: 'echo', data: 'still here' });
    c.close();
  });
});

describe('brute-force lockout', () => {
  it('5 failures from an IP lock it out: upgrades get 429 locked_out, even with the right password', async () => {
    const s = await start({ limits: { lockoutFailures: 5, lockoutMs: 400, lockoutWindowMs: 60_000 } });
    const cred = await credential(s, await createChannel(s));
    const open = await Client.open(s.wsUrl);
    for (let i = 0; i < 5; i++) {
      const c = await Client.open(s.wsUrl);
      c.send({ type: 'login', clientId: cred.clientId, password: `wrong${i}`, sessionId: cred.sessionId });
      await expectRefused(c, 'auth_failed', 4401);
    }
    expect(s.logs.filter((l) => l.event === 'ip_locked_out')).toHaveLength(1);
    const refused = await refusedUpgrade(s.wsUrl);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('locked_out');
    // A socket opened before the lockout cannot log in during it.
    open.send({ type: 'login', clientId: cred.clientId, password: cred.password, sessionId: cred.sessionId });
    await expectRefused(open, 'locked_out', 4429);
    await new Promise((r) => setTimeout(r, 450));
    (await login(s, cred)).close();
  });

  it('failures outside the window do not add up', async () => {
    let now = Date.now();
    const s = await start({ limits: { lockoutFailures: 2, lockoutWindowMs: 1000 }, now: () => now });
    const cred = await credential(s, await createChannel(s));
    for (let i = 0; i < 2; i++) {
      const c = await Client.open(s.wsUrl);
      c.send({ type: 'login', clientId: cred.clientId, password: 'wrong', sessionId: cred.sessionId });
      await expectRefused(c, 'auth_failed', 4401);
      now += 2000;
    }
    (await login(s, cred)).close();
  });
});
