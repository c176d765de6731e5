// The lockout rule both stores apply to one IP's row (docs/threat-model.md, "Brute force"): failures
// count in a window that starts at the first one; the Nth inside it locks the IP out for lockoutMs and
// starts the count over. Pure, so SQLite and PostgreSQL cannot drift apart.
import type { LockoutPolicy } from './types.ts';

export interface FailureRow {
  failures: number;
  windowStart: number;
  lockedUntil: number;
}

export interface FailureUpdate extends FailureRow {
  /** When the row stops mattering (the purge deletes it then). */
  expiresAt: number;
  /** This failure started a lockout. */
  locked: boolean;
}

export function nextFailure(prev: FailureRow | undefined, now: number, policy: LockoutPolicy): FailureUpdate {
  const inWindow = prev !== undefined && prev.failures > 0 && prev.windowStart > now - policy.windowMs;
  const failures = inWindow ? prev.failures + 1 : 1;
  const windowStart = inWindow ? prev.windowStart : now;
  if (failures >= policy.failures) {
    const lockedUntil = now + policy.lockoutMs;
    return { failures: 0, windowStart: now, lockedUntil, expiresAt: lockedUntil, locked: true };
  }
  const lockedUntil = prev?.lockedUntil ?? 0;
  const expiresAt = Math.max(windowStart + policy.windowMs, lockedUntil);
  return { failures, windowStart, lockedUntil, expiresAt, locked: false };
}
