// A private, throw-away coturn (Debian's `turnserver`) for one test file: a free 127.0.0.1 port, its own
// temp dir (empty config file, pid file, SQLite user db), REST-API auth with a static shared secret
// (`use-auth-secret`, draft-uberti-behave-turn-rest-00 — what sealpeer-server's GET /api/turn issues
// credentials for), relay addresses on 127.0.0.1 only. Never a shared instance, never /etc/turnserver.conf.
// `--allow-loopback-peers` lets two loopback relay allocations talk to each other (coturn refuses loopback
// peers by default, the right choice in production: docs/operators/turn.md).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './postgres.ts';

export const COTURN_INSTALL_HINT =
  'turnserver not found: install it with `sudo apt-get install -y coturn` (or run scripts/setup-system.sh)';

export interface CoturnInstance {
  port: number;
  /** The shared secret (sealpeer-server's --turn-secret). */
  secret: string;
  realm: string;
  /** turn:127.0.0.1:port?transport=udp (sealpeer-server's --turn-urls). */
  url: string;
  /** The relay port range coturn allocates from. */
  relayPorts: { min: number; max: number };
  /** Everything coturn logged so far (for a failing test's message). */
  log(): string;
  stop(): Promise<void>;
}

/** The turnserver binary (SEALPEER_TURNSERVER overrides), or the install line. */
export function turnserverBin(): string {
  const given = process.env.SEALPEER_TURNSERVER;
  for (const bin of given ? [given] : ['turnserver', '/usr/bin/turnserver']) {
    try {
      execFileSync(bin, ['--version'], { stdio: 'ignore' });
      return bin;
    } catch {
      /* try the next */
    }
  }
  throw new Error(COTURN_INSTALL_HINT);
}

/** Resolves once a TCP connect to 127.0.0.1:port succeeds (coturn listens on TCP and UDP alike). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Starts a private coturn; throws with the install line when Debian's coturn is missing. */
export async function startCoturn(): Promise<CoturnInstance> {
  const bin = turnserverBin();
  const dir = mkdtempSync(join(tmpdir(), 'sealpeer-coturn-'));
  const conf = join(dir, 'turnserver.conf');
  writeFileSync(conf, '# empty: everything is on the command line\n');
  const port = await freePort();
  const secret = randomBytes(24).toString('base64url');
  const realm = 'sealpeer.test';
  // A small relay range of its own, away from the ephemeral ports the kernel hands out (32768+ on Linux
  // is shared with everything else, so 20000–30000).
  const min = 20_000 + randomInt(0, 200) * 50;
  const relayPorts = { min, max: min + 49 };
  const args = [
    ['-c', conf],
    ['--listening-ip', '127.0.0.1'],
    ['--listening-port', String(port)],
    ['--relay-ip', '127.0.0.1'],
    ['--min-port', String(relayPorts.min)],
    ['--max-port', String(relayPorts.max)],
    ['--realm', realm],
    ['--use-auth-secret'],
    [`--static-auth-secret=${secret}`],
    ['--allow-loopback-peers'],
    ['--no-cli'],
    ['--no-tls'],
    ['--no-dtls'],
    ['--fingerprint'],
    ['--no-software-attribute'],
    ['--pidfile', join(dir, 'turnserver.pid')],
    ['--userdb', join(dir, 'turndb')],
    ['--log-file', 'stdout'],
    ['--simple-log'],
  ].flat();
  const child: ChildProcess = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  child.stdout?.on('data', (b: Buffer) => log.push(b.toString()));
  child.stderr?.on('data', (b: Buffer) => log.push(b.toString()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stopped = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await stopped;
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`turnserver exited (${child.exitCode}):\n${log.join('')}`);
    }
    if (log.join('').includes('Total General servers') && (await accepts(port))) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`turnserver not ready in 15 s:\n${log.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    secret,
    realm,
    url: `turn:127.0.0.1:${port}?transport=udp`,
    relayPorts,
    log: () => log.join(''),
    stop,
  };
}
