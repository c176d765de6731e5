// A private, throw-away PostgreSQL for one test file: Debian's initdb into a temp dir, then `postgres` on
// a free 127.0.0.1 port with its socket in that dir. Never a shared instance, loopback only. As root the
// cluster runs as the `postgres` user (initdb refuses root) through setpriv, which execs, so the pid we
// hold is the postmaster's own. stop() shuts it down (SIGINT: fast shutdown) and deletes the dir; if the
// test process dies without stopping it, the postmaster gets SIGINT from the kernel (setpriv
// --pdeathsig), and the next start deletes such orphaned dirs.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const POSTGRES_INSTALL_HINT =
  'PostgreSQL server binaries (initdb, postgres) not found in /usr/lib/postgresql/*/bin: ' +
  'install them with `sudo apt-get install -y postgresql` (or run scripts/setup-system.sh)';

export interface PostgresInstance {
  port: number;
  /** postgres://sealpeer@127.0.0.1:port/<db> */
  url(db?: string): string;
  /** A fresh, empty database; returns its URL. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/** The newest installed major version's bin dir (SEALPEER_PG_BIN overrides). */
export function postgresBinDir(): string {
  const given = process.env.SEALPEER_PG_BIN;
  const candidates = given
    ? [given]
    : existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .filter((v) => /^\d+$/.test(v))
          .sort((a, b) => Number(b) - Number(a))
          .map((v) => `/usr/lib/postgresql/${v}/bin`)
      : [];
  const dir = candidates.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'postgres')));
  if (!dir) throw new Error(POSTGRES_INSTALL_HINT);
  return dir;
}

/** A port nobody listens on at 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** argv prefix: as the postgres user when we are root; SIGINT (fast shutdown) if this process dies. */
function asPostgres(dir: string): string[] {
  const dies = ['--pdeathsig', 'INT'];
  if (process.getuid?.() !== 0) return ['setpriv', ...dies, '--'];
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(dir, uid, gid);
  return ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', ...dies, '--'];
}

const PREFIX = 'sealpeer-pg-';

/** Deletes the dirs of earlier runs that died without stop(): older than 10 min, no postmaster running. */
function sweepOrphans(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = join(tmpdir(), name);
    try {
      if (Date.now() - statSync(dir).mtimeMs < 10 * 60_000) continue;
      const pidFile = join(dir, 'data', 'postmaster.pid');
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
        if (pid > 0 && isAlive(pid)) continue;
      }
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* another run's dir, vanished or unreadable: leave it */
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function run(argv: string[], cwd: string): void {
  execFileSync(argv[0]!, argv.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

function waitReady(child: ChildProcess, log: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`postgres not ready in ${timeoutMs} ms:\n${log.join('')}`)),
      timeoutMs,
    );
    const onData = (b: Buffer) => {
      log.push(b.toString());
      if (log.join('').includes('ready to accept connections')) done();
    };
    const onExit = (code: number | null) => done(new Error(`postgres exited (${code}):\n${log.join('')}`));
    function done(err?: Error) {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    }
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

async function startOnce(bin: string): Promise<PostgresInstance> {
  const root = mkdtempSync(join(tmpdir(), PREFIX));
  const prefix = asPostgres(root);
  const data = join(root, 'data');
  const user = 'sealpeer';
  try {
    run(
      [
        ...prefix,
        join(bin, 'initdb'),
        '-D',
        data,
        '-U',
        user,
        '-A',
        'trust',
        '-E',
        'UTF8',
        '--no-locale',
        '-N',
      ],
      root,
    );
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`initdb failed: ${err.stderr?.toString() ?? err.message}`);
  }
  const port = await freePort();
  // Durability is pointless for a throw-away cluster: no fsync keeps the tests fast.
  const args = ['-D', data, '-p', String(port), '-k', root, '-h', '127.0.0.1'];
  for (const c of ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=200'])
    args.push('-c', c);
  const argv = [...prefix, join(bin, 'postgres'), ...args];
  const child = spawn(argv[0]!, argv.slice(1), { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const log: string[] = [];
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const cleanup = () => {
    process.off('exit', killOnExit);
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await waitReady(child, log, 30_000);
  } catch (e) {
    child.kill('SIGKILL');
    cleanup();
    throw e;
  }
  const url = (db = 'postgres') => `postgres://${user}@127.0.0.1:${port}/${db}`;
  let stopped: Promise<void> | undefined;
  return {
    port,
    url,
    async createDatabase() {
      const name = `t_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: url() });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
      } finally {
        await admin.end();
      }
      return url(name);
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else {
          child.once('exit', () => resolve());
          child.kill('SIGINT');
          setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
        }
      }).then(cleanup);
      return stopped;
    },
  };
}

/** Starts a private instance (retrying once if the free port was taken in between). */
export async function startPostgres(): Promise<PostgresInstance> {
  const bin = postgresBinDir();
  sweepOrphans();
  try {
    return await startOnce(bin);
  } catch (e) {
    if (!/could not bind|Address already in use/i.test((e as Error).message)) throw e;
    return startOnce(bin);
  }
}
