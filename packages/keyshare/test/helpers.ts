// Shared test helpers: temp data dirs, a silent keyshare on a free port, deterministic keys, records.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { KeyshareIntegrityError, KeyshareUnverifiedError } from '@sealpeer/client';
import * as keyshare from '@sealpeer/client/keyshare';
import pino from 'pino';
import { afterEach } from 'vitest';
import { type KeyshareOptions, type RunningKeyshare, startKeyshare } from '../src/index.ts';
import { LogMonitor, type MonitorEvent } from '../src/monitor/monitor.ts';

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sealpeer-ks-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function onCleanup(f: () => Promise<void> | void): void {
  cleanups.push(f);
}

/** A keyshare on a free port with a silent logger and no read/write limits unless given. */
export async function startTestKeyshare(opts: Partial<KeyshareOptions> = {}): Promise<RunningKeyshare> {
  const ks = await startKeyshare({
    dataDir: opts.dataDir ?? tempDir(),
    port: 0,
    logger: pino({ level: 'silent' }),
    rateLimits: { readPerMinute: 0, writePerMinute: 0 },
    ...opts,
  });
  cleanups.push(() => ks.close());
  return ks;
}

/** Deterministic Ed25519 signer and X25519-sized key for a name (test-only derivation). */
export function testKey(name: string): { signer: keyshare.RecordSigner; x25519Key: Uint8Array } {
  const seed = sha256(new TextEncoder().encode(`sealpeer test identity ${name}`));
  return {
    signer: keyshare.ed25519RecordSigner(seed),
    x25519Key: sha256(new TextEncoder().encode(`sealpeer test x25519 ${name}`)),
  };
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export async function errorCode(res: Response): Promise<string> {
  const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
  if (typeof body.error?.code !== 'string' || typeof body.error.message !== 'string') {
    throw new Error(`not an error body: ${JSON.stringify(body)}`);
  }
  return body.error.code;
}

/** Builds and signs a record JSON body directly (bypassing KeyshareClient, so tests can forge). */
export async function signedRecord(
  r: keyshare.KeyRecord,
  signer: keyshare.RecordSigner,
  prevSigner?: keyshare.RecordSigner,
): Promise<keyshare.RecordJson> {
  const bytes = keyshare.recordSigningBytes(r);
  return keyshare.recordToJson({
    ...r,
    signature: await signer.sign(bytes),
    prevSignature: prevSigner ? await prevSigner.sign(bytes) : null,
  });
}

/** A signed claim body for `handle` with testKey(handle)'s keys, created now. */
export function signedClaim(handle: string): Promise<keyshare.RecordJson> {
  const k = testKey(handle);
  return signedRecord(
    {
      kind: 'claim',
      handle,
      seq: 0,
      createdAt: Date.now(),
      expiresAt: null,
      identityKey: k.signer.publicKey,
      x25519Key: k.x25519Key,
      prev: keyshare.ZERO_HASH,
    },
    k.signer,
  );
}

/**
 * The code of the failure of `p`: an integrity error's reason, `unverified:<reason>` for a
 * KeyshareUnverifiedError (no alarm), else a coded error's code;
 * 'no error' when it succeeds. Other errors are rethrown.
 */
export async function failureOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof KeyshareIntegrityError) return err.reason;
    if (err instanceof KeyshareUnverifiedError) return `unverified:${err.reason}`;
    if (err instanceof keyshare.CodedError) return err.code;
    throw err;
  }
  return 'no error';
}

/** An honest keyshare and a fork of it run by the same operator with a copy of the log key. */
export async function forkedPair(): Promise<{
  honest: RunningKeyshare;
  fork: RunningKeyshare;
  verifierKey: string;
}> {
  const honestDir = tempDir();
  const honest = await startTestKeyshare({ dataDir: honestDir });
  const forkDir = join(tempDir(), 'fork');
  mkdirSync(forkDir);
  copyFileSync(join(honestDir, 'log-key'), join(forkDir, 'log-key'));
  const fork = await startTestKeyshare({ dataDir: forkDir });
  if (fork.verifierKey !== honest.verifierKey) throw new Error('fork has another key');
  return { honest, fork, verifierKey: honest.verifierKey };
}

/** A LogMonitor that records its events. */
export function monitorOf(
  url: string,
  verifierKey: string,
  watch: string[] = [],
): { m: LogMonitor; events: MonitorEvent[] } {
  const events: MonitorEvent[] = [];
  return { m: new LogMonitor({ url, verifierKey, watch, emit: (e) => events.push(e) }), events };
}
