// Per-IP protection for logins and sockets: failed-login lockout (N failures within a window lock the IP
// out for a while) and a cap on concurrent WebSocket connections.
//
// Where each counter lives (docs/operators/deploy.md, "PostgreSQL store"):
// - failed logins and lockouts: in the store, so they survive a restart and every node sharing a
//   PostgreSQL store sees them; this process keeps a copy of the lockouts it knows of for the WebSocket
//   upgrade check, which must not wait on the store;
// - open sockets per IP (ConnectionCounter): in memory; they are this process's sockets and die with it;
// - token buckets (frames per connection, channel/credential creations per IP per minute,
//   limits/token-bucket.ts): in memory; they guard one process's CPU over seconds, and a restart
//   forgets at most a minute of budget. With a bus, the creation limits are counted in Redis and shared
//   by all nodes instead (limits/shared-rate.ts).
import type { LockoutPolicy, Store } from '../store/types.ts';

export type { LockoutPolicy };

export class LoginLockout {
  /** ip → end of a lockout this process started or learned from the store. */
  private readonly known = new Map<string, number>();

  constructor(
    private readonly store: Pick<Store, 'recordLoginFailure' | 'lockedUntil' | 'liveLockouts'>,
    private readonly policy: LockoutPolicy,
  ) {}

  /** Loads the running lockouts (after a restart, or those other nodes started). */
  async warm(now: number): Promise<void> {
    for (const l of await this.store.liveLockouts(now)) this.known.set(l.ip, l.until);
  }

  /** Milliseconds of lockout left for this IP as far as this process knows; no store call. */
  knownRemainingMs(ip: string, now: number): number {
    const until = this.known.get(ip);
    if (until === undefined) return 0;
    if (until <= now) {
      this.known.delete(ip);
      return 0;
    }
    return until - now;
  }

  /** Milliseconds of lockout left for this IP according to the store (shared, durable), 0 if none. */
  async remainingMs(ip: string, now: number): Promise<number> {
    const until = await this.store.lockedUntil(ip, now);
    if (until <= now) return this.knownRemainingMs(ip, now);
    this.known.set(ip, until);
    return until - now;
  }

  /** Records a failure; true when this failure locks the IP out. */
  async fail(ip: string, now: number): Promise<boolean> {
    const until = await this.store.recordLoginFailure(ip, now, this.policy);
    if (until <= 0) return false;
    this.known.set(ip, until);
    return true;
  }

  /** Forgets ended lockouts (the store's rows go with purgeExpired). */
  sweep(now: number): void {
    for (const [ip, until] of this.known) if (until <= now) this.known.delete(ip);
  }
}

export class ConnectionCounter {
  private readonly open = new Map<string, number>();

  /** The cap, or a function that reads it (an operator may change it at runtime: src/admin/limits.ts). */
  constructor(private readonly max: number | (() => number)) {}

  /** Counts a new connection if the IP is under the cap; false if it is refused. */
  acquire(ip: string): boolean {
    const n = this.open.get(ip) ?? 0;
    if (n >= (typeof this.max === 'number' ? this.max : this.max())) return false;
    this.open.set(ip, n + 1);
    return true;
  }

  release(ip: string): void {
    const n = (this.open.get(ip) ?? 1) - 1;
    if (n <= 0) this.open.delete(ip);
    else this.open.set(ip, n);
  }
}
