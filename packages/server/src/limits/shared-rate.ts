// Creation limits per IP per minute (channels, credentials) that every node shares when there is a bus:
// a fixed one-minute window counted in Redis (bus.count). A window boundary can let up to twice the rate
// through within a minute; that is the price of one round trip per creation. Without a bus, or while
// the bus cannot answer, the node's own token buckets decide (token-bucket.ts).
import type { Bus } from '../bus/types.ts';
import { KeyedRateLimiter } from './token-bucket.ts';

const WINDOW_MS = 60_000;

export class SharedRateLimiter {
  private readonly local: KeyedRateLimiter;

  constructor(
    private readonly name: string,
    private readonly perMinute: number,
    private readonly bus: Pick<Bus, 'count'>,
  ) {
    this.local = new KeyedRateLimiter(perMinute);
  }

  /** 0 if allowed, else the milliseconds to wait. */
  async take(key: string, now: number): Promise<number> {
    const shared = this.bus.count(`${this.name}:${key}`, WINDOW_MS, now);
    const n = shared && (await shared.catch(() => undefined));
    if (n === undefined) return this.local.take(key, now);
    return n > this.perMinute ? WINDOW_MS - (now % WINDOW_MS) : 0;
  }

  sweep(now: number): void {
    this.local.sweep(now);
  }
}
