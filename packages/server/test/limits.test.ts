// The limit primitives on their own, with an explicit clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConnectionCounter, LoginLockout } from '../src/limits/ip-guard.ts';
import { KeyedRateLimiter, TokenBucket } from '../src/limits/token-bucket.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

describe('TokenBucket', () => {
  it('allows the burst, then refills at the rate, never beyond the burst', () => {
    const b = new TokenBucket(10, 3, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.waitMs(0)).toBe(100);
    expect(b.take(99)).toBe(false);
    expect(b.take(100)).toBe(true);
    expect(b.isFull(10_000)).toBe(true);
    const c = new TokenBucket(10, 3, 0);
    c.take(0);
    expect(c.take(1_000_000) && c.take(1_000_000) && c.take(1_000_000)).toBe(true);
    expect(c.take(1_000_000)).toBe(false);
  });
});

describe('KeyedRateLimiter', () => {
  it('limits each key on its own and forgets refilled keys', () => {
    const l = new KeyedRateLimiter(2);
    expect([l.take('a', 0), l.take('a', 0)]).toEqual([0, 0]);
    expect(l.take('a', 0)).toBe(30_000);
    expect(l.take('b', 0)).toBe(0);
    l.sweep(1000);
    expect(l.take('a', 1000)).toBeGreaterThan(0);
    l.sweep(120_000);
    expect((l as unknown as { buckets: Map<string, unknown> }).buckets.size).toBe(0);
  });
});

describe('LoginLockout', () => {
  it('locks after N failures in the window, for the lockout time, then forgets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sealpeer-lockout-'));
    const store = openSqliteStore(dir);
    try {
      const l = new LoginLockout(store, { failures: 3, windowMs: 1000, lockoutMs: 5000 });
      expect(await l.fail('ip', 0)).toBe(false);
      expect(await l.fail('ip', 500)).toBe(false);
      expect(await l.fail('other', 600)).toBe(false);
      expect(l.knownRemainingMs('ip', 800)).toBe(0);
      expect(await l.fail('ip', 900)).toBe(true);
      expect(l.knownRemainingMs('ip', 1000)).toBe(4900);
      expect(await l.remainingMs('ip', 1000)).toBe(4900);
      expect(await l.remainingMs('other', 1000)).toBe(0);
      expect(await l.remainingMs('ip', 5900)).toBe(0);
      // A second process on the same store learns the lockout from it (restart, or another node).
      const fresh = new LoginLockout(store, { failures: 3, windowMs: 1000, lockoutMs: 5000 });
      expect(fresh.knownRemainingMs('ip', 1000)).toBe(0);
      await fresh.warm(1000);
      expect(fresh.knownRemainingMs('ip', 1000)).toBe(4900);
      l.sweep(10_000);
      expect((l as unknown as { known: Map<string, unknown> }).known.size).toBe(0);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ConnectionCounter', () => {
  it('caps per key and frees on release', () => {
    const c = new ConnectionCounter(2);
    expect([c.acquire('a'), c.acquire('a'), c.acquire('a'), c.acquire('b')]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    c.release('a');
    expect(c.acquire('a')).toBe(true);
  });
});
