// Crash safety (issue 18, item 3): kill -9 a real server or keyshare process at a random point of a
// burst of parallel writes, restart it on the same data dir, and check that SQLite's integrity_check is
// ok, that every write acknowledged before the kill is still there, and (keyshare) that the tree is
// consistent with every checkpoint it served. Used by packages/*/test/crash.test.ts (a few rounds) and
// scripts/harden.mjs (>= 50 rounds). Loopback only.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as keyshare from '@sealpeer/client/keyshare';
import Database from 'better-sqlite3';
import { projectRoot } from './vectors.ts';

export interface RoundResult {
  acked: number;
  lost: number;
  integrity: string;
  killAfterMs: number;
  /** Keyshare: served checkpoints the restarted tree is not consistent with. */
  inconsistent?: number;
}

/** `n` rounds of `round`, one after another, each killed at a random point in [fromMs, toMs). */
export async function crashRounds<T>(
  n: number,
  round: (killAfterMs: number) => Promise<T>,
  fromMs: number,
  toMs: number,
): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < n; i++) results.push(await round(fromMs + Math.floor(Math.random() * (toMs - fromMs))));
  return results;
}

export interface Proc {
  child: ChildProcess;
  url: string;
  adminUrl?: string | undefined;
  /** Everything it wrote so far: stdout, then stderr (where the keyshare prints its plain-words lines). */
  out(): string;
}

/** Starts `bin` with `args` and waits for its listening URL on stdout. */
export function launch(bin: string, args: string[]): Promise<Proc> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot, bin), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${bin} did not start: ${out}${err}`));
    }, 30_000);
    // The listening URL comes as a JSON log line on stdout, or (the keyshare, whatever its --log-level) as
    // "listening on URL" in plain words on stderr.
    const check = (): void => {
      const m = /(?:"url":"|listening on )(http:\/\/127\.0\.0\.1:\d+)/.exec(out + err);
      if (m) {
        clearTimeout(t);
        const admin = /"adminUrl":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
        resolve({ child, url: m[1]!, adminUrl: admin?.[1], out: () => out + err });
      }
    };
    child.stderr?.on('data', (d) => {
      err += d;
      check();
    });
    child.stdout?.on('data', (d) => {
      out += d;
      check();
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`${bin} exited ${code} before listening: ${out}${err}`));
    });
  });
}

export function kill9(p: Proc): Promise<void> {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
    p.child.once('exit', () => resolve());
    p.child.kill('SIGKILL');
  });
}

/** SQLite's `PRAGMA integrity_check` of a file no process holds: 'ok', or what it found. */
export function integrity(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}

/** Runs `write` from `parallel` workers until the process is killed `killAfterMs` from now. */
export async function burst(
  parallel: number,
  killAfterMs: number,
  p: Proc,
  write: () => Promise<void>,
): Promise<void> {
  let killed = false;
  const workers = Array.from({ length: parallel }, async () => {
    while (!killed) await write().catch(() => undefined);
  });
  await new Promise((r) => setTimeout(r, killAfterMs));
  killed = true;
  await kill9(p);
  await Promise.all(workers);
}

export const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** One round against sealpeer-server (SQLite): parallel credential creation, kill -9, restart, check. */
export async function serverCrashRound(killAfterMs: number, parallel = 16): Promise<RoundResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sealpeer-crash-'));
  const args = ['--port', '0', '--admin-port', '-1', '--data-dir', dir, '--credential-rate', '1000000000'];
  args.push('--max-clients-per-channel', '1000000000');
  try {
    let p = await launch('packages/server/bin/sealpeer-server.js', [...args, '--channel-rate', '1000000000']);
    const ch = (await (await post(`${p.url}/api/channels`, { public: false })).json()) as {
      channelId: string;
    };
    const acked: string[] = [];
    await burst(parallel, killAfterMs, p, async () => {
      const res = await post(`${p.url}/api/channels/${ch.channelId}/sessions`, {
        sessionId: crypto.randomUUID(),
      });
      if (res.status === 200) acked.push(((await res.json()) as { clientId: string }).clientId);
    });
    p = await launch('packages/server/bin/sealpeer-server.js', args);
    await kill9(p);
    const file = join(dir, 'sealpeer.db');
    const result = integrity(file);
    const db = new Database(file, { readonly: true });
    const has = db.prepare('SELECT 1 FROM credentials WHERE client_id = ?');
    const lost = acked.filter((id) => has.get(id) === undefined).length;
    db.close();
    return { acked: acked.length, lost, integrity: result, killAfterMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Publishes a fresh claim of `handle`; its served checkpoint when acknowledged (201), else null. */
export async function publishClaim(url: string, handle: string): Promise<keyshare.Checkpoint | null> {
  const signer = keyshare.ed25519RecordSigner(crypto.getRandomValues(new Uint8Array(32)));
  const r: keyshare.KeyRecord = {
    kind: 'claim',
    handle,
    seq: 0,
    createdAt: Date.now(),
    expiresAt: null,
    identityKey: signer.publicKey,
    x25519Key: crypto.getRandomValues(new Uint8Array(32)),
    prev: keyshare.ZERO_HASH,
  };
  const sig = await signer.sign(keyshare.recordSigningBytes(r));
  const res = await post(
    `${url}/v1/records`,
    keyshare.recordToJson({ ...r, signature: sig, prevSignature: null }),
  );
  if (res.status !== 201) return null;
  const answer = (await res.json()) as { checkpoint: string };
  return keyshare.parseCheckpoint(keyshare.parseSignedNote(answer.checkpoint).text);
}

/** Against a restarted keyshare: acknowledged handles it no longer serves, and served checkpoints its
 * tree is not consistent with (a larger size, another root at the same size, or a failing proof). */
export async function checkKeyshare(
  url: string,
  acked: readonly string[],
  served: readonly keyshare.Checkpoint[],
): Promise<{ lost: number; inconsistent: number }> {
  let lost = 0;
  let inconsistent = 0;
  for (const h of acked) if ((await fetch(`${url}/v1/records/${h}`)).status !== 200) lost++;
  const now = keyshare.parseCheckpoint(
    keyshare.parseSignedNote(await (await fetch(`${url}/v1/checkpoint`)).text()).text,
  );
  for (const c of served) {
    try {
      if (c.size > now.size) throw new Error('served a larger tree than the restarted one');
      if (c.size === now.size) {
        if (Buffer.compare(Buffer.from(c.rootHash), Buffer.from(now.rootHash)) !== 0) throw new Error('fork');
        continue;
      }
      const proof = (await (
        await fetch(`${url}/v1/proof/consistency?old=${c.size}&new=${now.size}`)
      ).json()) as {
        proof: string[];
      };
      keyshare.verifyConsistency(
        c.size,
        now.size,
        proof.proof.map(keyshare.fromBase64),
        c.rootHash,
        now.rootHash,
      );
    } catch {
      inconsistent++;
    }
  }
  return { lost, inconsistent };
}

/** Restarts the keyshare of `dir` after a kill, checks it (checkKeyshare), stops it, runs integrity_check. */
export async function restartAndCheck(
  dir: string,
  acked: readonly string[],
  served: readonly keyshare.Checkpoint[],
): Promise<{ lost: number; inconsistent: number; integrity: string }> {
  const p = await launch(KEYSHARE_BIN, keyshareArgs(dir));
  let found: { lost: number; inconsistent: number };
  try {
    found = await checkKeyshare(p.url, acked, served);
  } finally {
    await kill9(p);
  }
  return { ...found, integrity: integrity(join(dir, 'keyshare.sqlite')) };
}

export const KEYSHARE_BIN = 'packages/keyshare/bin/sealpeer-keyshare.js';

/** `serve` arguments for a crash round: any free port, no rate limits. */
export const keyshareArgs = (dir: string) => [
  'serve',
  '--port',
  '0',
  '--data-dir',
  dir,
  '--write-rate-limit',
  '0',
  '--read-rate-limit',
  '0',
];

/** One round against sealpeer-keyshare: parallel record publishes, kill -9, restart, check. */
export async function keyshareCrashRound(killAfterMs: number, parallel = 8): Promise<RoundResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sealpeer-crash-ks-'));
  const args = keyshareArgs(dir);
  try {
    const p = await launch(KEYSHARE_BIN, args);
    const acked: string[] = [];
    const served: keyshare.Checkpoint[] = [];
    let n = 0;
    await burst(parallel, killAfterMs, p, async () => {
      const handle = `crash-${process.pid}-${n++}`;
      const cp = await publishClaim(p.url, handle);
      if (!cp) return;
      acked.push(handle);
      served.push(cp);
    });
    return { acked: acked.length, ...(await restartAndCheck(dir, acked, served)), killAfterMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
