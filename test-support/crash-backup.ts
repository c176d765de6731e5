// Crash safety of online backups (issue 18, item 3): kill -9 the keyshare while `sealpeer-keyshare
// backup FILE` (and the same request made directly over DATA_DIR/admin.sock) copies its database and
// records are being published. After a restart: the live database passes integrity_check and still
// serves every acknowledged record, consistent with every checkpoint served; every backup file at its
// final name passes integrity_check and restores (a keyshare started on it serves its checkpoint); every
// acknowledged backup exists; an interrupted copy is only ever left as FILE.partial. Used by
// packages/keyshare/test/crash.test.ts and `npm run harden`.
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  watch,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as keyshare from '@sealpeer/client/keyshare';
import Database from 'better-sqlite3';
import { requestBackup } from '../packages/keyshare/src/backup.ts';
import {
  integrity,
  KEYSHARE_BIN,
  keyshareArgs,
  kill9,
  launch,
  publishClaim,
  type RoundResult,
  restartAndCheck,
} from './crash.ts';
import { projectRoot } from './vectors.ts';

export interface BackupRoundResult extends RoundResult {
  /** Backups asked for, and those answered as written. */
  backups: number;
  ackedBackups: number;
  /** Interrupted copies left as FILE.partial (the kill landed mid-copy). */
  partial: number;
  /** Files at a final name that are not a valid, restorable backup, acknowledged ones missing, and
   * stray side files (a -wal beside a backup). */
  badBackups: number;
  inconsistent: number;
}

/** Records in the database a round starts from, so a copy takes several backup steps. */
const TEMPLATE_RECORDS = 600;
let template: Promise<string> | undefined;

/** A stopped keyshare's data dir holding TEMPLATE_RECORDS records, built once per process. */
function templateDir(): Promise<string> {
  template ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sealpeer-crash-tpl-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const p = await launch(KEYSHARE_BIN, keyshareArgs(dir));
    let n = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (n < TEMPLATE_RECORDS) await publishClaim(p.url, `tpl-${n++}`);
      }),
    );
    await new Promise((resolve) => {
      p.child.once('exit', resolve);
      p.child.kill('SIGTERM');
    });
    return dir;
  })();
  return template;
}

/** Runs the backup CLI; true when it exited 0 (the backup is acknowledged). */
function cliBackup(dir: string, file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [join(projectRoot, KEYSHARE_BIN), 'backup', file, '--data-dir', dir],
      {
        stdio: 'ignore',
      },
    );
    child.once('exit', (code) => resolve(code === 0));
  });
}

/** The checkpoint stored in a backup file, or null when it is not a readable keyshare database. */
function storedCheckpoint(file: string): keyshare.Checkpoint | null {
  try {
    if (integrity(file) !== 'ok') return null;
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare("SELECT value FROM meta WHERE key = 'checkpoint'").get() as
        | { value: string }
        | undefined;
      return row ? keyshare.parseCheckpoint(keyshare.parseSignedNote(row.value).text) : null;
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}

/** Starts a keyshare on a copy of `file` with the log key of `dir`; true when it serves `expected`. */
async function restores(dir: string, file: string, expected: keyshare.Checkpoint): Promise<boolean> {
  const into = mkdtempSync(join(tmpdir(), 'sealpeer-crash-restore-'));
  try {
    copyFileSync(join(dir, 'log-key'), join(into, 'log-key'));
    copyFileSync(file, join(into, 'keyshare.sqlite'));
    const p = await launch(KEYSHARE_BIN, keyshareArgs(into));
    try {
      const text = await (await fetch(`${p.url}/v1/checkpoint`)).text();
      const cp = keyshare.parseCheckpoint(keyshare.parseSignedNote(text).text);
      return cp.size === expected.size && Buffer.from(cp.rootHash).equals(Buffer.from(expected.rootHash));
    } finally {
      await kill9(p);
    }
  } catch {
    return false;
  } finally {
    rmSync(into, { recursive: true, force: true });
  }
}

/**
 * One round. Half the rounds kill `killAfterMs` in; the other half wait that long, then kill as soon
 * as a copy starts (its first file appears in the backups dir) plus 0-30 ms, so the kill lands inside
 * the copy.
 */
export async function backupCrashRound(killAfterMs: number, parallel = 4): Promise<BackupRoundResult> {
  const root = mkdtempSync(join(tmpdir(), 'sealpeer-crash-bk-'));
  const dir = join(root, 'ks');
  const out = join(root, 'backups');
  mkdirSync(out);
  cpSync(await templateDir(), dir, { recursive: true });
  try {
    const p = await launch(KEYSHARE_BIN, keyshareArgs(dir));
    const acked: string[] = [];
    const served: keyshare.Checkpoint[] = [];
    const files: Array<{ file: string; ok: boolean }> = [];
    let killed = false;
    let n = 0;
    const writers = Array.from({ length: parallel }, async () => {
      while (!killed) {
        const handle = `bk-${n++}`;
        const cp = await publishClaim(p.url, handle).catch(() => null);
        if (cp) {
          acked.push(handle);
          served.push(cp);
        }
      }
    });
    const backups = (['cli', 'api'] as const).map(async (how) => {
      for (let i = 0; !killed; i++) {
        const file = join(out, `${how}-${i}.sqlite`);
        const ok =
          how === 'cli'
            ? await cliBackup(dir, file)
            : await requestBackup(dir, file).then(
                () => true,
                () => false,
              );
        files.push({ file, ok });
      }
    });
    await new Promise((r) => setTimeout(r, killAfterMs));
    if (Math.random() < 0.5) {
      await new Promise<void>((resolve) => {
        const w = watch(out, (_event, name) => {
          if (!name) return; // the first file a backup creates (FILE.partial, if done right)
          w.close();
          clearTimeout(t);
          setTimeout(resolve, Math.floor(Math.random() * 30));
        });
        const t = setTimeout(() => {
          w.close();
          resolve();
        }, 5000);
      });
    }
    killed = true;
    await kill9(p);
    await Promise.all([...writers, ...backups]);
    const partial = readdirSync(out).filter((f) => f.endsWith('.partial')).length;

    const live = await restartAndCheck(dir, acked, served);
    let badBackups = 0;
    let newest: { file: string; cp: keyshare.Checkpoint } | undefined;
    for (const { file, ok } of files) {
      if (!existsSync(file)) {
        if (ok) badBackups++;
        continue;
      }
      const cp = storedCheckpoint(file);
      if (!cp) badBackups++;
      else if (!newest || cp.size > newest.cp.size) newest = { file, cp };
    }
    // Anything else left in the backups dir (a -wal a backup needs, a half-written file under a final
    // name) could be mistaken for, or break, a good backup.
    const strays = readdirSync(out).filter(
      (f) => !/^(cli|api)-\d+\.sqlite(\.partial(-journal|-wal|-shm)?)?$/.test(f),
    );
    badBackups += strays.length;
    if (newest && !(await restores(dir, newest.file, newest.cp))) badBackups++;
    return {
      acked: acked.length,
      ...live,
      killAfterMs,
      backups: files.length,
      ackedBackups: files.filter((f) => f.ok).length,
      partial,
      badBackups,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
