// `sealpeer-keyshare backup FILE` while the keyshare runs (the database is locked EXCLUSIVE, so only the
// service can copy it: asked over DATA_DIR/admin.sock), then a restore: stop, put the backup into a new
// data dir with the same log key, start — the same checkpoint and the same lookups, consistent for a
// client that saw the log before. Refusals: an existing file, a relative path, a stranger's body.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { KeyshareClient } from '@sealpeer/client';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ADMIN_SOCKET, type BackupError, requestBackup } from '../src/backup.ts';
import { onCleanup, startTestKeyshare, tempDir, testKey } from './helpers.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'sealpeer-keyshare.js');

function run(args: string[]): {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  onCleanup(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  return { child, out: () => out, err: () => err, exit };
}

/** Raw request on the admin socket (what a local stranger could send). */
function rawAdmin(
  dir: string,
  method: string,
  path: string,
  body: string,
): Promise<{ status: number; code: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: join(dir, ADMIN_SOCKET), method, path }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          code: (JSON.parse(text) as { error: { code: string } }).error.code,
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('online backup and restore', () => {
  it('backs up a running keyshare through the CLI and restores it with the same checkpoint and lookups', async () => {
    const dir = join(tempDir(), 'ks');
    mkdirSync(dir);
    const ks = await startTestKeyshare({ dataDir: dir });
    expect(statSync(join(dir, ADMIN_SOCKET)).mode & 0o777).toBe(0o600);
    const c = new KeyshareClient({ url: ks.url, verifierKey: ks.verifierKey });
    for (const h of ['alice', 'bob', 'carol']) await c.publish(h, testKey(h));
    await c.rotate('bob', testKey('bob').signer, testKey('bob2'));
    const before = ks.service.checkpoint();

    const file = join(tempDir(), 'backup.sqlite');
    const cli = run(['backup', file, '--data-dir', dir]);
    expect(await cli.exit, cli.err()).toBe(0);
    const line = JSON.parse(cli.out().trim()) as {
      event: string;
      path: string;
      bytes: number;
      checkpoint: string;
    };
    expect(line).toMatchObject({ event: 'backup', path: file, checkpoint: before });
    expect(statSync(file).size).toBe(line.bytes);
    // The service kept running and writing meanwhile.
    await c.publish('dave', testKey('dave'));
    const later = join(tempDir(), 'later.sqlite');
    const second = await requestBackup(dir, later);
    expect(second.checkpoint).toBe(ks.service.checkpoint());
    const handles = ['alice', 'bob', 'carol', 'dave'];
    const answers = await Promise.all(handles.map((h) => c.lookup(h)));
    await ks.close();
    expect(existsSync(join(dir, ADMIN_SOCKET))).toBe(false);

    // Restore the later backup into a new data dir holding the same log key.
    const restored = join(tempDir(), 'restored');
    mkdirSync(restored);
    copyFileSync(join(dir, 'log-key'), join(restored, 'log-key'));
    copyFileSync(later, join(restored, 'keyshare.sqlite'));
    const back = await startTestKeyshare({ dataDir: restored });
    expect(back.verifierKey).toBe(ks.verifierKey);
    expect(back.service.checkpoint()).toBe(second.checkpoint);
    // Lookups give the same records at the same leaves as before the restore.
    const again = new KeyshareClient({ url: back.url, verifierKey: ks.verifierKey });
    for (const [i, h] of handles.entries()) {
      const got = await again.lookup(h);
      expect(got.record).toEqual(answers[i]!.record);
      expect(got.leafIndex).toBe(answers[i]!.leafIndex);
      expect(got.checkpoint.note).toBe(second.checkpoint);
    }
    expect((await again.lookup('bob')).identityKey).toEqual(testKey('bob2').signer.publicKey);
  });

  it('refuses an existing file, a relative path and malformed requests; backs up a stopped keyshare directly', async () => {
    const dir = join(tempDir(), 'ks');
    mkdirSync(dir);
    const ks = await startTestKeyshare({ dataDir: dir });
    await new KeyshareClient({ url: ks.url, verifierKey: ks.verifierKey }).publish('alice', testKey('alice'));
    const existing = join(tempDir(), 'exists.sqlite');
    writeFileSync(existing, 'keep me');
    const refusal = async (p: Promise<unknown>) =>
      (await p.then(
        () => 'ok',
        (e: BackupError) => e.code,
      )) as string;
    expect(await refusal(requestBackup(dir, existing))).toBe('invalid_request');
    expect(await refusal(requestBackup(dir, 'relative.sqlite'))).toBe('invalid_request');
    expect(await refusal(requestBackup(dir, join(tempDir(), 'no', 'such', 'dir.sqlite')))).toBe(
      'invalid_request',
    );
    expect(await rawAdmin(dir, 'POST', '/v1/admin/backup', '{"path":')).toEqual({
      status: 400,
      code: 'malformed_json',
    });
    expect(await rawAdmin(dir, 'POST', '/v1/admin/backup', '{"path":5}')).toEqual({
      status: 400,
      code: 'invalid_request',
    });
    expect(await rawAdmin(dir, 'POST', '/v1/admin/backup', 'null')).toEqual({
      status: 400,
      code: 'invalid_request',
    });
    expect(await rawAdmin(dir, 'GET', '/v1/admin/backup', '')).toEqual({ status: 404, code: 'not_found' });
    expect(await rawAdmin(dir, 'POST', '/v1/admin/backup', 'x'.repeat(9000))).toEqual({
      status: 413,
      code: 'body_too_large',
    });
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
    const checkpoint = ks.service.checkpoint();
    await ks.close();
    // Stopped: the CLI copies the database itself.
    const file = join(tempDir(), 'offline.sqlite');
    const cli = run(['backup', file, '--data-dir', dir]);
    expect(await cli.exit, cli.err()).toBe(0);
    expect(JSON.parse(cli.out()) as { checkpoint: string }).toMatchObject({ checkpoint });
    // Not a data dir at all: a clear error, exit 1.
    const none = run(['backup', join(tempDir(), 'x.sqlite'), '--data-dir', join(tempDir(), 'nothing')]);
    expect(await none.exit).toBe(1);
    expect(none.err()).toMatch(/not a keyshare data dir/);
  });

  it("writes FILE.partial and renames it: a crashed run's leftover is replaced, the backup stands alone", async () => {
    const dir = join(tempDir(), 'ks');
    mkdirSync(dir);
    const ks = await startTestKeyshare({ dataDir: dir });
    await new KeyshareClient({ url: ks.url, verifierKey: ks.verifierKey }).publish('alice', testKey('alice'));
    const out = tempDir();
    const file = join(out, 'b.sqlite');
    // What a keyshare killed mid-copy leaves (test-support/crash-backup.ts): a torn FILE.partial.
    writeFileSync(`${file}.partial`, 'torn copy');
    writeFileSync(`${file}.partial-journal`, 'torn journal');
    const r = await requestBackup(dir, file);
    expect(r.checkpoint).toBe(ks.service.checkpoint());
    // Only the backup: no .partial, and no -wal/-shm it would need (journal_mode DELETE).
    expect(readdirSync(out)).toEqual(['b.sqlite']);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    // Two backups to one new path at once: one is written, the other refused (in progress or exists).
    const twice = join(out, 'c.sqlite');
    const both = await Promise.allSettled([requestBackup(dir, twice), requestBackup(dir, twice)]);
    expect(both.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    const refused = both.find((x) => x.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as BackupError).code).toBe('invalid_request');
    expect(readdirSync(out).sort()).toEqual(['b.sqlite', 'c.sqlite']);
  });
});
