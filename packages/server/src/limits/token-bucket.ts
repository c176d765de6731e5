// Token bucket: `rate` tokens per second refill up to `burst`. take() spends one token if there is one.
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** True when the bucket has refilled completely (it can be forgotten). */
  isFull(now: number): boolean {
    return this.tokens + ((now - this.last) * this.rate) / 1000 >= this.burst;
  }

  /** Milliseconds until one token is available. */
  waitMs(now: number): number {
    const t = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
    return t >= 1 ? 0 : Math.ceil(((1 - t) * 1000) / this.rate);
  }
}

/**
 * Token buckets keyed by a string (an IP), `perMinute` per key with a burst of the same size.
 * Full buckets are dropped by sweep() so memory stays bounded by the active keys.
 */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly perMinute: number) {}

  /** 0 if allowed, else the milliseconds to wait. */
  take(key: string, now: number): number {
    let b = this.buckets.get(key);
    if (!b) {
      b = new TokenBucket(this.perMinute / 60, this.perMinute, now);
      this.buckets.set(key, b);
    }
    return b.take(now) ? 0 : b.waitMs(now);
  }

  sweep(now: number): void {
    for (const [k, b] of this.buckets) if (b.isFull(now)) this.buckets.delete(k);
  }
}
