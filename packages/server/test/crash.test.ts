// Crash safety (issue 18, item 3; docs/hardening.md): kill -9 during parallel credential creation on
// the SQLite store, then restart: integrity_check ok and every acknowledged credential still there.
// A few rounds here; `npm run harden` runs >= 50 (test-support/crash.ts).
import { describe, expect, it } from 'vitest';
import { crashRounds, serverCrashRound } from '../../../test-support/crash.ts';

describe('kill -9 during parallel credential creation', () => {
  it('loses no acknowledged credential and leaves an intact database (3 rounds, random kill points)', async () => {
    let acked = 0;
    for (const r of await crashRounds(3, serverCrashRound, 150, 750)) {
      expect(r.integrity).toBe('ok');
      expect(r.lost, JSON.stringify(r)).toBe(0);
      acked += r.acked;
    }
    // The rounds must have written something, or they prove nothing.
    expect(acked).toBeGreaterThan(0);
  }, 120_000);
});
