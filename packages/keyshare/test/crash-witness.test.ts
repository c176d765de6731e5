// Crash safety of the witness (issue 18, item 3; docs/hardening.md): kill -9 `sealpeer-keyshare
// witness` at a random point while parallel clients ask it to cosign a growing log, restart: its state
// DB passes integrity_check, covers every cosignature it answered before the kill, and it cosigns no
// fork of one. A few rounds here; `npm run harden` runs >= 50 (test-support/crash-witness.ts).
import { describe, expect, it } from 'vitest';
import { crashRounds } from '../../../test-support/crash.ts';
import { witnessCrashRound } from '../../../test-support/crash-witness.ts';

describe('kill -9 during witness cosigning', () => {
  it('keeps every acknowledged cosignature in its state and cosigns no fork of one (3 rounds)', async () => {
    let acked = 0;
    let forksTried = 0;
    for (const r of await crashRounds(3, witnessCrashRound, 300, 1000)) {
      expect(r.integrity).toBe('ok');
      expect(r.lost, JSON.stringify(r)).toBe(0);
      expect(r.forkCosigned, JSON.stringify(r)).toBe(0);
      expect(r.stored, JSON.stringify(r)).toBeGreaterThanOrEqual(r.maxAcked);
      acked += r.acked;
      if (r.maxAcked > 0) forksTried++;
    }
    // The rounds must have cosigned something and tried a fork, or they prove nothing.
    expect(acked).toBeGreaterThan(0);
    expect(forksTried).toBeGreaterThan(0);
  }, 120_000);
});
