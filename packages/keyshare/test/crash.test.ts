// Crash safety (issue 18, item 3; docs/hardening.md): kill -9 during parallel record appends, then
// restart: integrity_check ok, every acknowledged record still served, and the tree consistent with
// every checkpoint the killed process served. A few rounds here; `npm run harden` runs >= 50.
import { describe, expect, it } from 'vitest';
import { crashRounds, keyshareCrashRound } from '../../../test-support/crash.ts';

describe('kill -9 during keyshare appends', () => {
  it('loses no acknowledged record; the tree extends every served checkpoint (3 rounds)', async () => {
    let acked = 0;
    for (const r of await crashRounds(3, keyshareCrashRound, 300, 1000)) {
      expect(r.integrity).toBe('ok');
      expect(r.lost, JSON.stringify(r)).toBe(0);
      expect(r.inconsistent, JSON.stringify(r)).toBe(0);
      acked += r.acked;
    }
    expect(acked).toBeGreaterThan(0);
  }, 120_000);
});
