// @sealpeer/server: startServer() wires storage, the HTTP API, the /ws relay and the admin listener.
// Tests and benchmarks start real servers with it on port 0 and a temp data dir.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import pino, { type DestinationStream, type Logger } from 'pino';
import { enforceBans } from './admin/enforce.ts';
import { createMetrics, type Metrics } from './admin/metrics.ts';
import { startAdmin } from './admin/server.ts';
import { openBus } from './bus/open.ts';
import { describeBus } from './bus/spec.ts';
import type { Bus } from './bus/types.ts';
import { defaultConfig, type Limits, type ServerConfig } from './config.ts';
import { buildHttpApp } from './http/app.ts';
import { ChannelToken } from './http/channel-token.ts';
import type { HttpContext } from './http/context.ts';
import { securityHeaders } from './http/security-headers.ts';
import { BAN_REFRESH_MS, BanList } from './limits/bans.ts';
import { LoginLockout } from './limits/ip-guard.ts';
import { trustFunction } from './net/client-ip.ts';
import { IpPolicy } from './net/ip-policy.ts';
import { OriginPolicy } from './net/origins.ts';
import { localSide } from './relay/cluster.ts';
import type { Connection } from './relay/connection.ts';
import { WriteBatcher } from './relay/cork.ts';
import { ChannelRegistry } from './relay/registry.ts';
import { RendezvousRegistry } from './relay/rendezvous.ts';
import { attachRelay } from './relay/server.ts';
import { openStore } from './store/open.ts';
import { describeStore } from './store/spec.ts';
import type { Store } from './store/types.ts';

export type { Limits, ServerConfig } from './config.ts';
export { DEFAULT_LIMITS, defaultConfig } from './config.ts';
export { ERRORS, type ErrorCode } from './errors.ts';
export { openStore } from './store/open.ts';
export type { Store } from './store/types.ts';

export interface StartOptions extends Partial<Omit<ServerConfig, 'limits'>> {
  limits?: Partial<Limits>;
  /** Where JSON log lines go (default stdout). */
  logStream?: DestinationStream;
  /** Clock in epoch ms (tests move time forward). */
  now?: () => number;
}

export interface RunningServer {
  /** http(s)://host:port of the public listener. */
  url: string;
  /** ws(s)://host:port/ws. */
  wsUrl: string;
  /** http://127.0.0.1:port of the admin listener, if enabled. */
  adminUrl: string | undefined;
  config: ServerConfig;
  metrics: Metrics;
  log: Logger;
  /**
   * Requests to the public and the admin listener's routes in process (fastify's inject: the same hooks,
   * content-type parsers, JSON schemas, error handler and store; no socket, so no connection guards).
   * For tests that send many requests, e.g. the HTTP body fuzzing (test/fuzz.test.ts).
   */
  inject: { public: Inject; admin: Inject | undefined };
  /** Closes sockets with 1001, stops listening, flushes and closes storage. */
  close(): Promise<void>;
}

export type Inject = (req: InjectOptions) => Promise<LightMyRequestResponse>;

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const { limits, logStream, now: clock, ...rest } = options;
  const base = defaultConfig();
  const config: ServerConfig = { ...base, ...rest, limits: { ...base.limits, ...limits } };
  const now = clock ?? Date.now;
  const log = pino(
    // Same settings as every sealpeer service (docs/operators/logs.md): ISO time, svc, pid.
    {
      level: config.logLevel,
      timestamp: pino.stdTimeFunctions.isoTime,
      base: { svc: 'server', pid: process.pid },
    },
    logStream ?? pino.destination({ dest: 1, sync: true }),
  );
  // Read before anything opens: a missing or short token file is a start error.
  const channelToken =
    config.channelCreation === 'token'
      ? ChannelToken.fromFile(
          config.channelTokenFile ?? '(none: give --channel-token-file with --channel-creation token)',
        )
      : undefined;
  const store: Store = await openStore(config.store, config.dataDir, {
    onError: (err) => log.warn({ event: 'store_error', err: err.message }, 'idle store connection failed'),
  });
  const purge = async (): Promise<number> => {
    const n = await store.purgeExpired(now());
    if (n > 0) log.info({ event: 'purged', credentials: n }, 'purged expired credentials');
    return n;
  };
  const lockout = new LoginLockout(store, {
    failures: config.limits.lockoutFailures,
    windowMs: config.limits.lockoutWindowMs,
    lockoutMs: config.limits.lockoutMs,
  });
  const bans = new BanList(store);
  const ipPolicy = new IpPolicy(config.allowCidrs, config.denyCidrs, bans);
  const registry = new ChannelRegistry<Connection>();
  const rendezvous = new RendezvousRegistry<Connection>();
  const metrics = createMetrics();
  let bus: Bus;
  try {
    await purge();
    await lockout.warm(now());
    await bans.refresh(now());
    bus = await openBus(config.bus, {
      heartbeatMs: config.busHeartbeatMs,
      log,
      metrics,
      local: (nodeId) => localSide(registry, rendezvous, nodeId),
    });
  } catch (err) {
    await store.close();
    throw err;
  }

  const tls = config.tlsCert !== undefined;
  const live = {
    origins: new OriginPolicy([]),
    headers: securityHeaders({ wsOrigins: [], keyshareUrls: config.keyshareUrls }),
    wsUrl: '',
  };
  const ctx: HttpContext = {
    config,
    store,
    lockout,
    ipPolicy,
    channelToken,
    reject: (code) => metrics.reject(code),
    log,
    now,
    bus,
    onlineCounts: (ids) => bus.onlineCounts(ids, (id) => registry.onlineCount(id)),
    origins: () => live.origins,
    securityHeaders: () => live.headers,
    wsUrl: (host) => {
      if (config.publicUrl) return `${config.publicUrl.replace(/^http/, 'ws')}/ws`;
      const ok =
        host !== undefined && /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/.test(host);
      return ok ? `${tls ? 'wss' : 'ws'}://${host}/ws` : live.wsUrl;
    },
  };

  const app = await buildHttpApp(ctx);
  const relay = attachRelay(
    app.server,
    {
      limits: config.limits,
      batcher: new WriteBatcher(),
      store,
      registry,
      bus,
      rendezvous,
      metrics,
      lockout,
      bans,
      log,
      now,
    },
    { path: '/ws', origins: () => live.origins, trust: trustFunction(config.trustProxy), ipPolicy },
  );
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await relay.close();
    await bus.close();
    await store.close();
    throw err;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const scheme = tls ? 'https' : 'http';
  const url = `${scheme}://${urlHost(config.host)}:${port}`;
  const own = [`${scheme}://127.0.0.1:${port}`, `${scheme}://localhost:${port}`, url];
  if (config.publicUrl) own.push(config.publicUrl);
  live.origins = new OriginPolicy([...own, ...config.allowedOrigins]);
  live.headers = securityHeaders({ wsOrigins: own, keyshareUrls: config.keyshareUrls });
  live.wsUrl = `${url.replace(/^http/, 'ws')}/ws`;

  let admin: Awaited<ReturnType<typeof startAdmin>> | undefined;
  if (config.adminPort >= 0) {
    try {
      admin = await startAdmin(
        {
          log,
          metrics,
          store,
          bans,
          limits: config.limits,
          nodeId: bus.nodeId,
          now,
          connections: relay.connections,
          purge,
        },
        config.adminPort,
      );
    } catch (err) {
      await relay.close();
      await app.close();
      await bus.close();
      await store.close();
      throw err;
    }
  }
  let purging: Promise<unknown> | undefined;
  const purgeTimer = setInterval(() => {
    lockout.sweep(now());
    // One purge at a time: a slow store must not pile them up.
    purging ??= purge()
      .catch((err: Error) =>
        log.error({ event: 'store_error', op: 'purge', err: err.message }, 'purge failed'),
      )
      .finally(() => {
        purging = undefined;
      });
  }, config.purgeIntervalMs);
  purgeTimer.unref();
  // Bans set through another node's admin listener (or lifted there) reach this one within BAN_REFRESH_MS.
  let refreshing: Promise<unknown> | undefined;
  const banTimer = setInterval(() => {
    refreshing ??= bans
      .refresh(now())
      .then(() => enforceBans(bans, relay.connections(), now(), log))
      .catch((err: Error) =>
        log.error({ event: 'store_error', op: 'bans', err: err.message }, 'ban refresh failed'),
      )
      .finally(() => {
        refreshing = undefined;
      });
  }, BAN_REFRESH_MS);
  banTimer.unref();
  const storeName = describeStore(config.store, config.dataDir);
  log.info(
    {
      url,
      wsUrl: live.wsUrl,
      adminUrl: admin?.url,
      dataDir: config.dataDir,
      store: storeName,
      bus: describeBus(config.bus),
      node: bus.nodeId,
    },
    'listening',
  );

  const adminApp = admin?.app;
  let closing: Promise<void> | undefined;
  return {
    url,
    wsUrl: live.wsUrl,
    adminUrl: admin?.url,
    config,
    metrics,
    log,
    inject: { public: (req) => app.inject(req), admin: adminApp && ((req) => adminApp.inject(req)) },
    close() {
      closing ??= (async () => {
        clearInterval(purgeTimer);
        clearInterval(banTimer);
        await relay.close();
        await app.close();
        await admin?.app.close();
        await bus.close();
        await purging;
        await refreshing;
        await store.close();
        log.info({ event: 'stopped' }, 'stopped');
      })();
      return closing;
    },
  };
}
