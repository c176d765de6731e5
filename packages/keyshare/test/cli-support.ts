// Running the sealpeer-keyshare CLI as a child process in tests: spawn, collect output, wait for the
// JSON "listening" line.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { onCleanup } from './helpers.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'sealpeer-keyshare.js');

export function run(args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onCleanup(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return child;
}

export function collect(child: ChildProcess): {
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
} {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { out: () => out, err: () => err, exit };
}

export async function waitFor<T>(f: () => T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out');
}

/** The fields of the pino `"msg":"listening"` line, once it was printed. */
function listeningLine(out: string): Record<string, unknown> | undefined {
  for (const line of out.split('\n')) {
    if (!line.startsWith('{')) continue;
    const j = JSON.parse(line) as Record<string, unknown>;
    if (j.msg === 'listening') return j;
  }
  return undefined;
}

export function listening(out: string): { url: string; verifierKey: string } | undefined {
  const j = listeningLine(out);
  return typeof j?.url === 'string' && typeof j.verifierKey === 'string'
    ? { url: j.url, verifierKey: j.verifierKey }
    : undefined;
}

export function listeningWitness(out: string): { url: string; cosignerKey: string } | undefined {
  const j = listeningLine(out);
  return typeof j?.url === 'string' && typeof j.cosignerKey === 'string'
    ? { url: j.url, cosignerKey: j.cosignerKey }
    : undefined;
}
