// A relay node as its own process (the real `sealpeer-server` binary), for tests that kill a node with
// SIGKILL or run several on one store and bus. Listens on a free 127.0.0.1 port; resolves once its
// `listening` log line names the URL. Dies with the test process (SIGKILL on exit).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = join(fileURLToPath(import.meta.url), '../../packages/server/bin/sealpeer-server.js');

export interface RelayNode {
  url: string;
  pid: number;
  /** JSON log lines so far. */
  logs: Array<Record<string, unknown>>;
  /** kill -9: no goodbye to clients, Redis or the store. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/** Flags every test node gets: no admin port, limits that a test's bursts never hit. */
const TEST_FLAGS = [
  '--host',
  '127.0.0.1',
  '--port',
  '0',
  '--admin-port',
  '-1',
  '--log-level',
  'info',
  '--credential-rate',
  '100000',
  '--channel-rate',
  '100000',
  '--message-rate',
  '100000',
  '--message-burst',
  '100000',
  '--max-connections-per-ip',
  '100000',
];

function exited(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** `listening`: how many `listening` log lines to wait for (a `--workers N` node logs one per worker). */
export async function startRelayNode(
  args: string[],
  env: Record<string, string> = {},
  opts: { listening?: number } = {},
): Promise<RelayNode> {
  const dir = mkdtempSync(join(tmpdir(), 'sealpeer-node-'));
  const argv = [BIN, ...TEST_FLAGS, '--data-dir', dir, '--app-dir', join(dir, 'no-app'), ...args];
  const child = spawn(process.execPath, argv, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const logs: Array<Record<string, unknown>> = [];
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const wanted = opts.listening ?? 1;
  let listening = 0;
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`node not listening in 30 s: ${err}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        nl = buf.indexOf('\n');
        try {
          const rec = JSON.parse(line) as Record<string, unknown>;
          logs.push(rec);
          if (rec.msg === 'listening' && typeof rec.url === 'string' && ++listening >= wanted) {
            clearTimeout(timer);
            resolve(rec.url);
          }
        } catch {
          /* not a log line */
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`node exited (${code}) before listening: ${err}`));
    });
  });
  const done = () => {
    process.off('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    url,
    pid: child.pid!,
    logs,
    kill: () => exited(child, 'SIGKILL').then(done),
    stop: () => exited(child, 'SIGTERM').then(done),
  };
}
