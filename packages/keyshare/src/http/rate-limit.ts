// Per-IP token buckets, one for reads and one for writes (limits on by default). 0 disables a bucket.
import type { FastifyInstance } from 'fastify';

export interface RateLimits {
  /** GET requests per minute per IP. */
  readonly readPerMinute: number;
  /** POST requests per minute per IP. */
  readonly writePerMinute: number;
}

interface Bucket {
  tokens: number;
  last: number;
}

const MAX_TRACKED = 100_000;

export class TokenBuckets {
  readonly #perMinute: number;
  #buckets = new Map<string, Bucket>();

  constructor(perMinute: number) {
    this.#perMinute = perMinute;
  }

  /** Takes a token for `key`; returns 0 when allowed, else the seconds to wait. */
  take(key: string, now: number): number {
    if (this.#perMinute <= 0) return 0;
    const rate = this.#perMinute / 60_000;
    let b = this.#buckets.get(key);
    if (!b) {
      if (this.#buckets.size >= MAX_TRACKED) this.#buckets = new Map();
      b = { tokens: this.#perMinute, last: now };
      this.#buckets.set(key, b);
    }
    b.tokens = Math.min(this.#perMinute, b.tokens + (now - b.last) * rate);
    b.last = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
  }
}

export function installRateLimit(
  app: FastifyInstance,
  limits: RateLimits,
  now: () => number = Date.now,
): void {
  if (limits.readPerMinute <= 0 && limits.writePerMinute <= 0) return; // both off: no hook at all
  const reads = new TokenBuckets(limits.readPerMinute);
  const writes = new TokenBuckets(limits.writePerMinute);
  app.addHook('onRequest', async (req, reply) => {
    if (req.url === '/healthz' || req.method === 'OPTIONS') return;
    const wait = (req.method === 'POST' ? writes : reads).take(req.ip, now());
    if (wait > 0) {
      return reply
        .code(429)
        .header('retry-after', String(wait))
        .send({ error: { code: 'rate_limited', message: `too many requests; retry in ${wait}s` } });
    }
  });
}
