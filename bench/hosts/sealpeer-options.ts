// The options the bench starts the sealpeer server with. Only QUANTITIES are raised, so that one
// machine can play 200-10,000 users: every check still runs on every frame and request (login,
// channel scoping, per-connection token bucket, per-IP connection count, credential rate limits,
// metrics). docs/performance.md lists these next to the figures.

/** Limits raised for the bench, and why. */
export const BENCH_LIMITS = {
  // 100 pairs x 8 in flight at ~100k msg/s is ~500 frames/s per connection; default 50/s.
  messageRate: 1_000_000,
  messageBurst: 1_000_000,
  // All load comes from a few loopback addresses; default 20 per IP.
  maxConnectionsPerIp: 100_000,
  // TCP connections per IP (WebSockets included), default 64: the same loopback addresses again.
  maxHttpConnectionsPerIp: 1_000_000,
  // The bench creates 200-10,000 credentials (and 100k for the HTTP section) from one IP; default 30/min.
  credentialsPerMinute: 100_000_000,
  channelsPerMinute: 100_000_000,
  // 10k idle sockets must not be pinged off mid-measurement or timed out while queued for login.
  loginTimeoutMs: 120_000,
} as const;

export function sealpeerServerOptions(
  dataDir: string,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  const { limits: extraLimits, ...rest } = extra as { limits?: Record<string, unknown> };
  return {
    host: '127.0.0.1',
    port: 0,
    adminPort: 0,
    dataDir,
    logLevel: 'warn',
    ...rest,
    limits: { ...BENCH_LIMITS, ...(extraLimits ?? {}) },
  };
}
