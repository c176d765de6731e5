// Per-IP protection for logins and sockets: failed-login lockout (N failures within a window lock the IP
// out for a while) and a cap on concurrent WebSocket connections.

export interface LockoutPolicy {
  failures: number;
  windowMs: number;
  lockoutMs: number;
}

export class LoginLockout {
  private readonly failures = new Map<string, number[]>();
  private readonly lockedUntil = new Map<string, number>();

  constructor(private readonly policy: LockoutPolicy) {}

  /** Milliseconds of lockout left for this IP, 0 if none. */
  remainingMs(ip: string, now: number): number {
    const until = this.lockedUntil.get(ip);
    if (until === undefined) return 0;
    if (until <= now) {
      this.lockedUntil.delete(ip);
      return 0;
    }
    return until - now;
  }

  /** Records a failure; returns true when this failure locks the IP out. */
  fail(ip: string, now: number): boolean {
    const since = now - this.policy.windowMs;
    const list = (this.failures.get(ip) ?? []).filter((t) => t > since);
    list.push(now);
    if (list.length >= this.policy.failures) {
      this.failures.delete(ip);
      this.lockedUntil.set(ip, now + this.policy.lockoutMs);
      return true;
    }
    this.failures.set(ip, list);
    return false;
  }

  sweep(now: number): void {
    const since = now - this.policy.windowMs;
    for (const [ip, list] of this.failures) if (!list.some((t) => t > since)) this.failures.delete(ip);
    for (const [ip, until] of this.lockedUntil) if (until <= now) this.lockedUntil.delete(ip);
  }
}

export class ConnectionCounter {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Counts a new connection if the IP is under the cap; false if it is refused. */
  acquire(ip: string): boolean {
    const n = this.open.get(ip) ?? 0;
    if (n >= this.max) return false;
    this.open.set(ip, n + 1);
    return true;
  }

  release(ip: string): void {
    const n = (this.open.get(ip) ?? 1) - 1;
    if (n <= 0) this.open.delete(ip);
    else this.open.set(ip, n);
  }
}
