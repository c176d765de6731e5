// A private, throw-away redis-server for one test file: Debian's binary on a free 127.0.0.1 port, its
// working dir a temp dir, no persistence (--save '' --appendonly no). Never a shared instance, loopback
// only. restart() stops it (SIGKILL: the data is gone, as after a crash of a non-persistent Redis) and
// starts a new one on the same port, so the bus tests can show that nodes rebuild their presence.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './postgres.ts';

export const REDIS_INSTALL_HINT =
  'redis-server not found: install it with `sudo apt-get install -y redis-server` ' +
  '(or run scripts/setup-system.sh)';

export interface RedisInstance {
  port: number;
  /** The running server's pid (the bench reads its CPU time). */
  readonly pid: number | undefined;
  /** redis://127.0.0.1:port */
  url: string;
  /** Kills the server (its data is lost) and starts an empty one on the same port. */
  restart(): Promise<void>;
  /** Kills the server without starting another (start() brings one back on the same port). */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The redis-server binary (SEALPEER_REDIS_SERVER overrides), or the install line. */
export function redisServerBin(): string {
  const given = process.env.SEALPEER_REDIS_SERVER;
  for (const bin of given ? [given] : ['redis-server', '/usr/bin/redis-server']) {
    try {
      execFileSync(bin, ['--version'], { stdio: 'ignore' });
      return bin;
    } catch {
      /* try the next */
    }
  }
  throw new Error(REDIS_INSTALL_HINT);
}

function launch(bin: string, port: number, dir: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  args.push('--dir', dir, '--protected-mode', 'yes', '--daemonize', 'no');
  const child = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`redis-server not ready in 15 s:\n${log.join('')}`)),
      15_000,
    );
    const onData = (b: Buffer) => {
      log.push(b.toString());
      if (log.join('').includes('Ready to accept connections')) done();
    };
    const onExit = (code: number | null) =>
      done(new Error(`redis-server exited (${code}):\n${log.join('')}`));
    function done(err?: Error) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (err) {
        child.kill('SIGKILL');
        reject(err);
      } else {
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(child);
      }
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (b: Buffer) => log.push(b.toString()));
    child.once('exit', onExit);
  });
}

function killed(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Starts a private instance (retrying on another port if the free one was taken in between). */
export async function startRedis(): Promise<RedisInstance> {
  const bin = redisServerBin();
  const dir = mkdtempSync(join(tmpdir(), 'sealpeer-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 0; !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(bin, port, dir);
    } catch (e) {
      if (attempt >= 2 || !/Address already in use/i.test((e as Error).message)) {
        rmSync(dir, { recursive: true, force: true });
        throw e;
      }
    }
  }
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stopped: Promise<void> | undefined;
  const inst: RedisInstance = {
    port,
    get pid() {
      return child?.pid;
    },
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      await killed(child, 'SIGKILL');
    },
    async start() {
      child = await launch(bin, port, dir);
    },
    async restart() {
      await inst.kill();
      await inst.start();
    },
    stop() {
      stopped ??= killed(child, 'SIGKILL').then(() => {
        process.off('exit', killOnExit);
        rmSync(dir, { recursive: true, force: true });
      });
      return stopped;
    },
  };
  return inst;
}
