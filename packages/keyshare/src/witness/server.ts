// `sealpeer-keyshare witness`: a C2SP tlog-witness with its own Ed25519 cosigner key and state.
//   POST /add-checkpoint           cosign a checkpoint of a known log (add-checkpoint.ts)
//   GET  /<sha256(origin) hex>/checkpoint   the latest cosigned checkpoint, for monitors
//   GET  /healthz
// Data dir: `witness-key` (PRIVATE+KEY+<name>+<id>+base64(0x04 || seed), mode 0600), witness.sqlite.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DEFAULT_HTTP_GUARD, guardConnections, headerTimeoutOptions } from '@sealpeer/client/http-guard';
import * as keyshare from '@sealpeer/client/keyshare';
import Fastify, {
  type FastifyBaseLogger,
  type InjectOptions,
  type LightMyRequestResponse,
  LogController,
} from 'fastify';
import pino, { type Logger } from 'pino';
import { ApiError } from '../errors.ts';
import { frameworkErrors, installErrorHandling } from '../http/error-handler.ts';
import { installRateLimit } from '../http/rate-limit.ts';
import { type KeyFileKind, loadOrCreateKey } from '../keys.ts';
import { openDb } from '../store/db.ts';
import { addCheckpoint, type WitnessLog } from './add-checkpoint.ts';
import { WITNESS_SCHEMA, WitnessState } from './state.ts';

export const WITNESS_KEY: KeyFileKind = {
  file: 'witness-key',
  what: 'witness key',
  nameIs: 'name',
  flag: '--name',
  defaultName: 'localhost/sealpeer-witness',
  parse: keyshare.parseCosignerSignerKey,
  format: keyshare.formatCosignerSignerKey,
  generate: keyshare.generateCosigner,
};

export interface WitnessOptions {
  readonly dataDir: string;
  /** Cosigner name for a new data dir (e.g. witness.example.net/w1); must match an existing key. */
  readonly name?: string;
  /** Verifier keys of the logs to witness; each key's name is the log's origin (sealpeer rule). */
  readonly logs: readonly string[];
  readonly host?: string;
  readonly port?: number;
  readonly logLevel?: string;
  readonly logger?: Logger;
  readonly now?: () => number;
  /** add-checkpoint requests per minute per IP (0 = off); reads are not limited. */
  readonly ratePerMinute?: number;
  /** Time a client has to send complete HTTP request headers (then 408, closed). */
  readonly headerTimeoutMs?: number;
  /** Concurrent TCP connections per IP (0 = no cap). */
  readonly maxConnectionsPerIp?: number;
}

export interface RunningWitness {
  readonly url: string;
  /** The cosigner verifier key clients pin: <name>+<id>+base64(0x04 || public key). */
  readonly cosignerKey: string;
  readonly name: string;
  readonly state: WitnessState;
  /**
   * Requests to the witness's routes in process (fastify's inject: the same hooks, body parser, rate
   * limit, error handler and state; no socket). For tests that send many requests (test/fuzz.test.ts).
   */
  inject(req: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** 63 proof lines + a checkpoint note of at most 64 KiB. */
const BODY_LIMIT = 64 * 1024 + 64 * 48 + 32;

export function originHash(origin: string): string {
  return createHash('sha256').update(origin).digest('hex');
}

export function parseWitnessedLogs(keys: readonly string[]): Map<string, WitnessLog> {
  const logs = new Map<string, WitnessLog>();
  for (const k of keys) {
    let verifier: keyshare.NoteVerifier;
    try {
      verifier = keyshare.parseVerifierKey(k);
    } catch (err) {
      throw new Error(`--log "${k}" is not a log verifier key (${(err as Error).message})`);
    }
    if (logs.has(verifier.name)) throw new Error(`--log: two keys for the origin ${verifier.name}`);
    logs.set(verifier.name, { origin: verifier.name, verifier });
  }
  return logs;
}

export async function startWitness(options: WitnessOptions): Promise<RunningWitness> {
  const logger =
    options.logger ??
    pino({
      level: options.logLevel ?? 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      base: { svc: 'witness', pid: process.pid },
    });
  const logs = parseWitnessedLogs(options.logs);
  if (logs.size === 0) throw new Error('a witness needs at least one --log VERIFIER_KEY');
  const { signer, created } = loadOrCreateKey(WITNESS_KEY, options.dataDir, options.name);
  const cosignerKey = keyshare.formatCosignerKey(signer);
  if (created) logger.info({ cosignerKey, name: signer.name }, 'created a new witness key; publish this key');
  const db = openDb(join(options.dataDir, 'witness.sqlite'), WITNESS_SCHEMA);
  const state = new WitnessState(db);
  const ctx = { logs, signer, state, now: options.now ?? Date.now };
  const byHash = new Map([...logs.keys()].map((o) => [originHash(o), o]));

  const connections = {
    headerTimeoutMs: options.headerTimeoutMs ?? DEFAULT_HTTP_GUARD.headerTimeoutMs,
    maxConnectionsPerIp: options.maxConnectionsPerIp ?? DEFAULT_HTTP_GUARD.maxConnectionsPerIp,
  };
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    http: headerTimeoutOptions(connections),
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    frameworkErrors,
  });
  guardConnections(app.server, connections);
  // The body is the tlog-witness text format whatever the content type says.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  installErrorHandling(app);
  // A stranger can POST checkpoints; each one of a known log costs a signature check.
  installRateLimit(app, { readPerMinute: 0, writePerMinute: options.ratePerMinute ?? 6000 });

  app.post('/add-checkpoint', async (req, reply) => {
    if (typeof req.body !== 'string') throw new ApiError('invalid_request', 'empty body');
    try {
      const result = addCheckpoint(ctx, req.body);
      if (result.kind === 'conflict') {
        // tlog-witness: 409 with the latest cosigned size, Content-Type text/x.tlog.size.
        return reply.code(409).type('text/x.tlog.size').send(`${result.size}\n`);
      }
      req.log.info({ checkpoint: req.body.slice(req.body.indexOf('\n\n') + 2).split('\n', 2) }, 'cosigned');
      return reply.code(200).type('text/plain; charset=utf-8').send(result.lines);
    } catch (err) {
      if (err instanceof ApiError && err.code !== 'invalid_request') {
        req.log.warn({ code: err.code, reason: err.message }, 'checkpoint refused');
      }
      throw err;
    }
  });

  app.get<{ Params: { hash: string } }>('/:hash/checkpoint', async (req, reply) => {
    const origin = byHash.get(req.params.hash);
    const w = origin ? state.latest(origin) : null;
    if (!w) throw new ApiError('not_found', 'no cosigned checkpoint for this origin hash');
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(w.checkpoint);
  });

  app.get('/healthz', async () => ({ ok: true, name: signer.name, logs: [...logs.keys()] }));
  await app.ready();

  try {
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8091 });
  } catch (err) {
    await app.close();
    db.close();
    throw err;
  }
  const addr = app.server.address();
  const host = options.host ?? '127.0.0.1';
  const port = typeof addr === 'object' && addr ? addr.port : (options.port ?? 8091);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info(
    { url, cosignerKey, name: signer.name, logs: [...logs.keys()], dataDir: options.dataDir },
    'listening',
  );
  let closing: Promise<void> | null = null;
  return {
    url,
    cosignerKey,
    name: signer.name,
    state,
    inject: (req) => app.inject(req),
    close() {
      closing ??= (async () => {
        await app.close();
        db.close();
        logger.info({ url }, 'stopped');
      })();
      return closing;
    },
  };
}
