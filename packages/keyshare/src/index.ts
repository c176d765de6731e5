// @sealpeer/keyshare: a key directory whose every answer is provable against an RFC 6962 Merkle log
// with C2SP checkpoints. startKeyshare() runs one (the CLI and tests use it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as keyshare from '@sealpeer/client/keyshare';
import pino, { type Logger } from 'pino';
import { type AdminSocket, startAdminSocket } from './backup.ts';
import { buildApp } from './http/app.ts';
import { createMetrics, startAdminServer } from './http/metrics.ts';
import type { RateLimits } from './http/rate-limit.ts';
import { loadOrCreateLogKey } from './keys.ts';
import { nodeHashChildren, nodeMapHasher, nodeMapKey } from './log/node-hash.ts';
import { KeyshareService } from './service.ts';
import { openDb } from './store/db.ts';
import { LogStore } from './store/log-store.ts';
import { parseWitnessTarget } from './witness/pusher.ts';
import { Witnessing } from './witness/witnessing.ts';

export { ApiError, ERROR_CODES, type ErrorCode } from './errors.ts';
export { readVerifierKey } from './keys.ts';
export { MerkleTree, splitPoint } from './log/tree.ts';
export { SparseMap } from './map/sparse-map.ts';
export { type RunningWitness, startWitness, type WitnessOptions } from './witness/server.ts';

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8090,
  allowedOrigins: ['http://127.0.0.1:8080', 'http://localhost:8080'],
  bodyLimit: 16 * 1024,
  readPerMinute: 600,
  writePerMinute: 30,
  maxClockSkewMs: 10 * 60_000,
  maxLeavesPage: 1000,
  logLevel: 'info',
  witnessTimeoutMs: 5000,
  headerTimeoutMs: 10_000,
  maxConnectionsPerIp: 64,
} as const;

export interface KeyshareOptions {
  readonly dataDir: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Log origin / key name for a new data dir; must match the key of an existing one. */
  readonly originName?: string;
  readonly allowedOrigins?: readonly string[];
  readonly bodyLimit?: number;
  readonly rateLimits?: Partial<RateLimits>;
  readonly maxClockSkewMs?: number;
  readonly maxLeavesPage?: number;
  readonly trustProxy?: boolean;
  readonly logLevel?: string;
  readonly logger?: Logger;
  /** Serve Prometheus metrics on this port (0 = free port); undefined/null = no admin server. */
  readonly metricsPort?: number | null;
  readonly metricsHost?: string;
  readonly now?: () => number;
  /** Witnesses to push each checkpoint to, as `URL,COSIGNER_KEY` (tlog-witness add-checkpoint). */
  readonly witnesses?: readonly string[];
  /** How long a publish waits for the witnesses' cosignatures before answering without them. */
  readonly witnessTimeoutMs?: number;
  /** Time a client has to send complete HTTP request headers (then 408, closed). */
  readonly headerTimeoutMs?: number;
  /** Concurrent TCP connections per IP (0 = no cap). */
  readonly maxConnectionsPerIp?: number;
  /** PEM files: serve HTTPS directly (both or neither). */
  readonly tlsCert?: string;
  readonly tlsKey?: string;
}

export interface RunningKeyshare {
  readonly url: string;
  readonly verifierKey: string;
  readonly origin: string;
  readonly metricsUrl: string | null;
  readonly service: KeyshareService;
  close(): Promise<void>;
}

export async function startKeyshare(options: KeyshareOptions): Promise<RunningKeyshare> {
  const logger =
    options.logger ??
    // Same settings as every sealpeer service (docs/operators/logs.md): ISO time, svc, pid.
    pino({
      level: options.logLevel ?? DEFAULTS.logLevel,
      timestamp: pino.stdTimeFunctions.isoTime,
      base: { svc: 'keyshare', pid: process.pid },
    });
  await keyshare.ready(); // Ed25519 verification of records through libsodium (client note.ts)
  const { signer, created } = loadOrCreateLogKey(options.dataDir, options.originName);
  const verifierKey = keyshare.formatVerifierKey(signer);
  if (created)
    logger.info({ verifierKey, origin: signer.name }, 'created a new log key; pin this verifier key');
  const db = openDb(join(options.dataDir, 'keyshare.sqlite'));
  let store: LogStore;
  try {
    store = new LogStore(db, signer, {
      hashChildren: nodeHashChildren,
      map: nodeMapHasher,
      mapKey: nodeMapKey,
    });
  } catch (err) {
    db.close();
    throw err;
  }
  let witnessing: Witnessing | null = null;
  try {
    const targets = (options.witnesses ?? []).map(parseWitnessTarget);
    if (targets.length > 0) {
      witnessing = new Witnessing(targets, (a, b) => store.tree.consistencyProof(a, b), logger);
    }
  } catch (err) {
    db.close();
    throw err;
  }
  const service = new KeyshareService(store, signer, {
    maxClockSkewMs: options.maxClockSkewMs ?? DEFAULTS.maxClockSkewMs,
    maxLeavesPage: options.maxLeavesPage ?? DEFAULTS.maxLeavesPage,
    now: options.now,
    cosigned: witnessing ? (note) => witnessing.cosigned(note) : undefined,
    onCheckpoint: witnessing ? (note) => witnessing.notify(note) : undefined,
  });
  const witnessTimeoutMs = options.witnessTimeoutMs ?? DEFAULTS.witnessTimeoutMs;
  const metrics = options.metricsPort == null ? null : createMetrics(() => service.size);
  const app = await buildApp(service, {
    logger,
    bodyLimit: options.bodyLimit ?? DEFAULTS.bodyLimit,
    allowedOrigins: options.allowedOrigins ?? DEFAULTS.allowedOrigins,
    rateLimits: {
      readPerMinute: options.rateLimits?.readPerMinute ?? DEFAULTS.readPerMinute,
      writePerMinute: options.rateLimits?.writePerMinute ?? DEFAULTS.writePerMinute,
    },
    trustProxy: options.trustProxy ?? false,
    origin: signer.name,
    metrics,
    awaitWitnesses: witnessing ? (size) => witnessing.settled(size, witnessTimeoutMs) : null,
    connections: {
      headerTimeoutMs: options.headerTimeoutMs ?? DEFAULTS.headerTimeoutMs,
      maxConnectionsPerIp: options.maxConnectionsPerIp ?? DEFAULTS.maxConnectionsPerIp,
    },
    tls:
      options.tlsCert && options.tlsKey
        ? { cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey) }
        : null,
  });
  const host = options.host ?? DEFAULTS.host;
  let admin: Awaited<ReturnType<typeof startAdminServer>> | null = null;
  let adminSocket: AdminSocket | null = null;
  try {
    await app.listen({ host, port: options.port ?? DEFAULTS.port });
    if (metrics && options.metricsPort != null) {
      admin = await startAdminServer(metrics, options.metricsHost ?? '127.0.0.1', options.metricsPort);
    }
    // `sealpeer-keyshare backup FILE` asks through it (src/backup.ts).
    adminSocket = await startAdminSocket(options.dataDir, db, logger);
  } catch (err) {
    witnessing?.close();
    await app.close();
    if (admin) await new Promise<void>((r) => admin?.server.close(() => r()));
    db.close();
    throw err;
  }
  // Witnesses cosign the current checkpoint at start (a restarted keyshare has no cosignatures).
  witnessing?.notify(store.checkpoint);
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (options.port ?? DEFAULTS.port);
  const url = `${options.tlsCert && options.tlsKey ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info(
    {
      url,
      verifierKey,
      origin: signer.name,
      treeSize: service.size,
      dataDir: options.dataDir,
      metricsUrl: admin?.url ?? null,
      witnesses: witnessing?.pushers.map((p) => p.target.url) ?? [],
    },
    'listening',
  );
  let closing: Promise<void> | null = null;
  return {
    url,
    verifierKey,
    origin: signer.name,
    metricsUrl: admin?.url ?? null,
    service,
    close() {
      closing ??= (async () => {
        witnessing?.close();
        await app.close();
        if (admin) await new Promise<void>((r) => admin?.server.close(() => r()));
        await adminSocket?.close();
        db.close();
        logger.info({ url }, 'stopped');
      })();
      return closing;
    },
  };
}
