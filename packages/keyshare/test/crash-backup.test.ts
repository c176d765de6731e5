// Crash safety of online backups (issue 18, item 3; docs/hardening.md, docs/operators/keyshare.md
// §Backups): kill -9 the keyshare at a random point (half the rounds: inside a copy) while
// `sealpeer-keyshare backup FILE` and direct admin.sock requests copy it and records are published.
// After a restart the live log is intact with every acknowledged record; every backup at its final
// name is valid and restorable; an interrupted copy is only ever FILE.partial. A few rounds here;
// `npm run harden` runs >= 50 (test-support/crash-backup.ts).
import { describe, expect, it } from 'vitest';
import { crashRounds } from '../../../test-support/crash.ts';
import { backupCrashRound } from '../../../test-support/crash-backup.ts';

describe('kill -9 during online backup', () => {
  it('keeps the live log whole; a backup is complete and restorable or only FILE.partial (3 rounds)', async () => {
    let acked = 0;
    let backups = 0;
    for (const r of await crashRounds(3, backupCrashRound, 300, 1000)) {
      expect(r.integrity).toBe('ok');
      expect(r.lost, JSON.stringify(r)).toBe(0);
      expect(r.inconsistent, JSON.stringify(r)).toBe(0);
      expect(r.badBackups, JSON.stringify(r)).toBe(0);
      acked += r.acked;
      backups += r.backups;
    }
    expect(acked).toBeGreaterThan(0);
    expect(backups).toBeGreaterThan(0);
  }, 240_000);
});
