// The contract every Store implementation keeps, as one describe factory: store-sqlite.test.ts and
// store-postgres.test.ts run it against a real SQLite file and a real private PostgreSQL.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Ban, Channel, IssueRequest, LockoutPolicy, Store } from '../src/store/types.ts';

export interface StoreHandle {
  store: Store;
  /** Another Store on the same database: a restart, or a second node. */
  open(): Promise<Store>;
}

export interface StoreFixture {
  setup?(): Promise<void>;
  /** A fresh, empty database. */
  fresh(): Promise<StoreHandle>;
  teardown?(): Promise<void>;
}

const DAY = 86_400_000;
const T0 = 1_750_000_000_000;
const POLICY: LockoutPolicy = { failures: 5, windowMs: 60_000, lockoutMs: 600_000 };

const channel = (over: Partial<Channel> = {}): Channel => ({
  channelId: randomUUID(),
  name: null,
  public: false,
  createdAt: T0,
  ...over,
});

const request = (channelId: string, over: Partial<IssueRequest> = {}): IssueRequest => ({
  channelId,
  sessionId: randomUUID(),
  newClientId: randomUUID(),
  passwordHash: randomBytes(32),
  now: T0,
  expiresAt: T0 + DAY,
  maxClients: 256,
  ...over,
});

async function issued(store: Store, req: IssueRequest) {
  const r = await store.issueCredential(req);
  if (!r.ok) throw new Error(`issueCredential refused: ${r.reason}`);
  return r;
}

const invalid = { name: 'StoreError', code: 'invalid_input' };

export function describeStoreContract(name: string, fixture: StoreFixture): void {
  describe(`Store contract: ${name}`, () => {
    const opened: Store[] = [];
    let h: StoreHandle;
    let store: Store;
    const fresh = async () => {
      h = await fixture.fresh();
      store = h.store;
      opened.push(store);
    };
    const another = async () => {
      const s = await h.open();
      opened.push(s);
      return s;
    };
    beforeAll(async () => fixture.setup?.());
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });
    afterAll(async () => fixture.teardown?.());

    it('creates, gets and lists channels: newest public first, private never listed, limit kept', async () => {
      await fresh();
      const names = ['first', 'zweite ✓', 'שלישי', "quote ' and -- ; DROP TABLE channels"];
      const pubs = names.map((n, i) => channel({ name: n, public: true, createdAt: T0 + i }));
      for (const c of pubs) await store.createChannel(c);
      const priv = channel({ createdAt: T0 + 100 });
      await store.createChannel(priv);
      expect(await store.getChannel(priv.channelId)).toEqual(priv);
      expect(await store.getChannel(pubs[3]!.channelId)).toEqual(pubs[3]);
      expect(await store.getChannel(randomUUID())).toBeUndefined();
      expect(await store.listPublicChannels(10)).toEqual([...pubs].reverse());
      expect(await store.listPublicChannels(2)).toEqual([pubs[3], pubs[2]]);
      expect(await store.listPublicChannels(0)).toEqual([]);
      expect(await store.counts()).toEqual({ channels: 5, credentials: 0 });
      await expect(store.createChannel({ ...priv, name: 'again' })).rejects.toMatchObject({
        name: 'StoreError',
        code: 'conflict',
      });
      expect((await store.getChannel(priv.channelId))?.name).toBeNull();
    });

    it('issues a credential and gets it back byte for byte', async () => {
      await fresh();
      const c = channel();
      await store.createChannel(c);
      const req = request(c.channelId);
      const r = await issued(store, req);
      expect(r.created).toBe(true);
      const want = {
        clientId: req.newClientId,
        channelId: c.channelId,
        sessionId: req.sessionId,
        passwordHash: new Uint8Array(req.passwordHash),
        createdAt: T0,
        expiresAt: T0 + DAY,
      };
      expect(r.credential).toEqual(want);
      expect(await store.getCredential(req.newClientId)).toEqual(want);
      expect(await store.getCredential(randomUUID())).toBeUndefined();
      expect(await store.counts()).toEqual({ channels: 1, credentials: 1 });
    });

    it('rotates: the same session keeps its clientId and gets the new hash and expiry', async () => {
      await fresh();
      const c = channel();
      await store.createChannel(c);
      const first = await issued(store, request(c.channelId));
      const again = request(c.channelId, {
        sessionId: first.credential.sessionId,
        now: T0 + 1000,
        expiresAt: T0 + 2 * DAY,
      });
      const r = await issued(store, again);
      expect(r.created).toBe(false);
      expect(r.credential.clientId).toBe(first.credential.clientId);
      const got = await store.getCredential(first.credential.clientId);
      expect(got?.passwordHash).toEqual(new Uint8Array(again.passwordHash));
      expect(got?.passwordHash).not.toEqual(first.credential.passwordHash);
      expect(got).toMatchObject({ createdAt: T0, expiresAt: T0 + 2 * DAY });
      expect(await store.getCredential(again.newClientId)).toBeUndefined();
      expect((await store.counts()).credentials).toBe(1);
    });

    it('a session whose credential expired starts over with a new clientId', async () => {
      await fresh();
      const c = channel();
      await store.createChannel(c);
      const first = await issued(store, request(c.channelId));
      const later = request(c.channelId, {
        sessionId: first.credential.sessionId,
        now: T0 + DAY,
        expiresAt: T0 + 2 * DAY,
      });
      const r = await issued(store, later);
      expect(r.created).toBe(true);
      expect(r.credential.clientId).toBe(later.newClientId);
      expect(await store.getCredential(first.credential.clientId)).toBeUndefined();
    });

    it('purges expired credentials (and only those), and spent lockouts', async () => {
      await fresh();
      const c = channel();
      await store.createChannel(c);
      const short = await issued(store, request(c.channelId, { expiresAt: T0 + 1000 }));
      await issued(store, request(c.channelId, { expiresAt: T0 + 1000 }));
      const long = await issued(store, request(c.channelId, { expiresAt: T0 + DAY }));
      expect(await store.purgeExpired(T0 + 999)).toBe(0);
      expect(await store.purgeExpired(T0 + 1000)).toBe(2);
      expect(await store.purgeExpired(T0 + 1000)).toBe(0);
      expect(await store.getCredential(short.credential.clientId)).toBeUndefined();
      expect(await store.getCredential(long.credential.clientId)).toBeDefined();
      expect(await store.counts()).toEqual({ channels: 1, credentials: 1 });
      for (let i = 0; i < POLICY.failures; i++) await store.recordLoginFailure('10.0.0.1', T0, POLICY);
      expect(await store.liveLockouts(T0)).toEqual([{ ip: '10.0.0.1', until: T0 + POLICY.lockoutMs }]);
      await store.purgeExpired(T0 + POLICY.lockoutMs);
      expect(await store.liveLockouts(T0)).toEqual([]);
      expect(await store.lockedUntil('10.0.0.1', T0)).toBe(0);
    });

    it('caps live credentials per channel (channel_full); refreshes and expired ones do not count', async () => {
      await fresh();
      const c = channel();
      await store.createChannel(c);
      const cap = { maxClients: 2 };
      const a = await issued(store, request(c.channelId, { ...cap, expiresAt: T0 + 1000 }));
      await issued(store, request(c.channelId, cap));
      expect(await store.issueCredential(request(c.channelId, cap))).toEqual({ ok: false, reason: 'full' });
      const refresh = await store.issueCredential(
        request(c.channelId, { ...cap, sessionId: a.credential.sessionId }),
      );
      expect(refresh).toMatchObject({ ok: true, created: false });
      const after = request(c.channelId, { ...cap, now: T0 + DAY / 2, expiresAt: T0 + DAY });
      // `a`'s refresh moved its expiry to T0 + DAY: still full at T0 + DAY / 2.
      expect(await store.issueCredential(after)).toEqual({ ok: false, reason: 'full' });
      const other = channel();
      await store.createChannel(other);
      expect((await store.issueCredential(request(other.channelId, cap))).ok).toBe(true);
      const expired = request(c.channelId, { ...cap, now: T0 + DAY, expiresAt: T0 + 2 * DAY });
      expect((await store.issueCredential(expired)).ok).toBe(true);
      expect(await store.issueCredential(request(c.channelId, { maxClients: 0 }))).toEqual({
        ok: false,
        reason: 'full',
      });
    });

    it('refuses a credential for a channel that does not exist, storing nothing', async () => {
      await fresh();
      const req = request(randomUUID());
      expect(await store.issueCredential(req)).toEqual({ ok: false, reason: 'no_channel' });
      expect(await store.getCredential(req.newClientId)).toBeUndefined();
      expect(await store.counts()).toEqual({ channels: 0, credentials: 0 });
    });

    it('keeps everything across a reopen (restart)', async () => {
      await fresh();
      const c = channel({ public: true, name: 'kept' });
      await store.createChannel(c);
      const r = await issued(store, request(c.channelId));
      for (let i = 0; i < POLICY.failures; i++) await store.recordLoginFailure('192.0.2.9', T0, POLICY);
      await store.close();
      await store.close();
      const s = await another();
      expect(await s.getChannel(c.channelId)).toEqual(c);
      expect(await s.getCredential(r.credential.clientId)).toEqual(r.credential);
      expect(await s.lockedUntil('192.0.2.9', T0 + 1)).toBe(T0 + POLICY.lockoutMs);
    });

    it('locks an IP out after N failures in the window (counted from the first), then forgets', async () => {
      await fresh();
      const ip = '2001:db8::1';
      const results: number[] = [];
      for (let i = 0; i < POLICY.failures; i++)
        results.push(await store.recordLoginFailure(ip, T0 + i, POLICY));
      expect(results).toEqual([0, 0, 0, 0, T0 + 4 + POLICY.lockoutMs]);
      expect(await store.lockedUntil(ip, T0 + 5)).toBe(T0 + 4 + POLICY.lockoutMs);
      expect(await store.lockedUntil('2001:db8::2', T0 + 5)).toBe(0);
      expect(await store.lockedUntil(ip, T0 + 4 + POLICY.lockoutMs)).toBe(0);
      // Failures spread wider than the window never lock.
      const slow = '198.51.100.7';
      for (let i = 0; i < 3 * POLICY.failures; i++)
        expect(await store.recordLoginFailure(slow, T0 + i * (POLICY.windowMs / 2), POLICY)).toBe(0);
      expect(await store.liveLockouts(T0 + 10)).toEqual([{ ip, until: T0 + 4 + POLICY.lockoutMs }]);
    });

    it('parallel credential requests from two handles: the cap holds, no acknowledged write is lost', async () => {
      await fresh();
      const second = await another();
      const c = channel();
      await store.createChannel(c);
      const reqs = Array.from({ length: 40 }, () => request(c.channelId, { maxClients: 25 }));
      const results = await Promise.all(reqs.map((r, i) => (i % 2 ? second : store).issueCredential(r)));
      const ok = results.filter((r) => r.ok);
      expect(ok.length).toBe(25);
      expect(results.filter((r) => !r.ok && r.reason === 'full').length).toBe(15);
      for (const r of ok)
        if (r.ok) expect(await second.getCredential(r.credential.clientId)).toEqual(r.credential);
      expect(await store.counts()).toEqual({ channels: 1, credentials: 25 });
    });

    it('parallel requests of one session get one clientId, created once, holding the last hash', async () => {
      await fresh();
      const second = await another();
      const c = channel();
      await store.createChannel(c);
      const sessionId = randomUUID();
      const reqs = Array.from({ length: 20 }, () => request(c.channelId, { sessionId }));
      const results = await Promise.all(reqs.map((r, i) => (i % 2 ? second : store).issueCredential(r)));
      const ids = new Set(results.map((r) => (r.ok ? r.credential.clientId : r.reason)));
      expect(ids.size).toBe(1);
      expect(results.filter((r) => r.ok && r.created).length).toBe(1);
      const [clientId] = [...ids];
      const stored = await store.getCredential(clientId!);
      const hashes = reqs.map((r) => Buffer.from(r.passwordHash).toString('hex'));
      expect(hashes).toContain(Buffer.from(stored!.passwordHash).toString('hex'));
      expect((await store.counts()).credentials).toBe(1);
    });

    it('parallel channel creations and login failures from two handles all count', async () => {
      await fresh();
      const second = await another();
      const chans = Array.from({ length: 50 }, (_, i) => channel({ public: true, createdAt: T0 + i }));
      await Promise.all(chans.map((c, i) => (i % 2 ? second : store).createChannel(c)));
      expect((await store.listPublicChannels(100)).map((c) => c.channelId).sort()).toEqual(
        chans.map((c) => c.channelId).sort(),
      );
      // 12 simultaneous failures of one IP with N = 5: exactly the 5th and the 10th start a lockout.
      const fails = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? second : store).recordLoginFailure('203.0.113.5', T0, POLICY),
        ),
      );
      expect(fails.filter((u) => u > 0)).toEqual([T0 + POLICY.lockoutMs, T0 + POLICY.lockoutMs]);
    });

    it('bans: put, replace, list the live ones in order, lift, purge when ended, survive a reopen', async () => {
      await fresh();
      const ban = (over: Partial<Ban>): Ban => ({
        kind: 'ip',
        target: '203.0.113.0/24',
        until: T0 + 1000,
        reason: '',
        createdAt: T0,
        ...over,
      });
      await store.putBan(ban({}));
      await store.putBan(ban({ kind: 'credential', target: 'c-1', until: T0 + 5000, reason: 'spam' }));
      await store.putBan(ban({ target: '2001:db8::/32', createdAt: T0 + 1, until: T0 + 2000 }));
      // Same kind and target: replaced, not doubled.
      await store.putBan(ban({ until: T0 + 3000, reason: 'again' }));
      expect(await store.liveBans(T0)).toEqual([
        ban({ kind: 'credential', target: 'c-1', until: T0 + 5000, reason: 'spam' }),
        ban({ until: T0 + 3000, reason: 'again' }),
        ban({ target: '2001:db8::/32', createdAt: T0 + 1, until: T0 + 2000 }),
      ]);
      expect((await store.liveBans(T0 + 2000)).map((b) => b.target)).toEqual(['c-1', '203.0.113.0/24']);
      expect(await store.liftBan('ip', '203.0.113.0/24')).toBe(true);
      expect(await store.liftBan('ip', '203.0.113.0/24')).toBe(false);
      expect(await store.liftBan('credential', '203.0.113.0/24')).toBe(false);
      await store.purgeExpired(T0 + 2000);
      const again = await h.open();
      opened.push(again);
      expect((await again.liveBans(0)).map((b) => b.target)).toEqual(['c-1']);
      await expect(store.putBan(ban({ until: T0 }))).rejects.toMatchObject(invalid);
      await expect(store.putBan(ban({ target: '' }))).rejects.toMatchObject(invalid);
      await expect(store.putBan(ban({ reason: 'r'.repeat(201) }))).rejects.toMatchObject(invalid);
      await expect(store.putBan(ban({ kind: 'x' as Ban['kind'] }))).rejects.toMatchObject(invalid);
      await expect(store.liveBans(-1)).rejects.toMatchObject(invalid);
      expect(await store.liftBan('ip', '\u0000')).toBe(false);
    });

    it('deletes a channel with its credentials, and only that channel', async () => {
      await fresh();
      const a = channel();
      const b = channel();
      await store.createChannel(a);
      await store.createChannel(b);
      const gone = await issued(store, request(a.channelId));
      await issued(store, request(a.channelId));
      const kept = await issued(store, request(b.channelId));
      expect(await store.deleteChannel(a.channelId)).toEqual({ deleted: true, credentials: 2 });
      expect(await store.deleteChannel(a.channelId)).toEqual({ deleted: false, credentials: 0 });
      expect(await store.deleteChannel('\u0000')).toEqual({ deleted: false, credentials: 0 });
      expect(await store.getChannel(a.channelId)).toBeUndefined();
      expect(await store.getCredential(gone.credential.clientId)).toBeUndefined();
      expect(await store.getCredential(kept.credential.clientId)).toBeDefined();
      expect(await store.counts()).toEqual({ channels: 1, credentials: 1 });
    });

    it('bad input: lookups answer not-found without a query error, writes reject invalid_input', async () => {
      await fresh();
      const strange = ['', '\u0000', 'a\u0000b', 'x'.repeat(10_000), "' OR '1'='1", '\ud800', '%s%n'];
      for (const k of strange) {
        expect(await store.getCredential(k)).toBeUndefined();
        expect(await store.getChannel(k)).toBeUndefined();
        expect(await store.lockedUntil(k, T0)).toBe(0);
      }
      for (const limit of [-1, 1.5, Number.NaN, 1e9])
        await expect(store.listPublicChannels(limit)).rejects.toMatchObject(invalid);
      await expect(store.createChannel(channel({ channelId: '' }))).rejects.toMatchObject(invalid);
      await expect(store.createChannel(channel({ name: 'nul\u0000' }))).rejects.toMatchObject(invalid);
      await expect(store.createChannel(channel({ createdAt: -1 }))).rejects.toMatchObject(invalid);
      const c = channel();
      await store.createChannel(c);
      const bad: Array<Partial<IssueRequest>> = [
        { passwordHash: randomBytes(31) },
        { expiresAt: T0 },
        { sessionId: '\u0000' },
        { newClientId: 'y'.repeat(129) },
        { maxClients: -1 },
        { now: Number.NaN },
      ];
      for (const over of bad)
        await expect(store.issueCredential(request(c.channelId, over))).rejects.toMatchObject(invalid);
      await expect(store.recordLoginFailure('\u0000', T0, POLICY)).rejects.toMatchObject(invalid);
      await expect(store.recordLoginFailure('ip', T0, { ...POLICY, failures: 0 })).rejects.toMatchObject(
        invalid,
      );
      await expect(store.purgeExpired(-5)).rejects.toMatchObject(invalid);
      // Nothing of it was stored, and the store still works.
      expect(await store.counts()).toEqual({ channels: 1, credentials: 0 });
      expect((await store.issueCredential(request(c.channelId))).ok).toBe(true);
    });
  });
}
