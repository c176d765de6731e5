// Runs `node scripts/start.mjs …` (what `npm start -- …` runs) as a child process, loopback only,
// and collects its stdout (JSON log lines) and stderr (the plain-words banner).
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(fileURLToPath(import.meta.url), '../../../../..');
export const START = join(ROOT, 'scripts/start.mjs');

export interface StartRun {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

const running: ChildProcess[] = [];

/** Runs `node file args…` with piped output, collected as text; killed by killAll(). */
export function runNode(
  file: string,
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string } = {},
): StartRun {
  const child = spawn(process.execPath, [file, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => out, err: () => err, exited };
}

/** `node scripts/start.mjs args…`. The app build is the app package's step (and its tests): skipped. */
export function startRun(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string } = {},
): StartRun {
  return runNode(START, args, { ...opts, env: { SEALPEER_SKIP_APP_BUILD: '1', ...opts.env } });
}

/** Kills (SIGKILL) every start run still alive; for afterEach. */
export function killAll(): void {
  for (const c of running.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Waits for the banner ("sealpeer is running." … "Ctrl-C stops both.") on stderr. */
export async function banner(r: StartRun, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = /sealpeer is running\.[\s\S]*Ctrl-C stops both\./.exec(r.err());
    if (m) return m[0];
    if (r.child.exitCode !== null) throw new Error(`exited early (${r.child.exitCode}): ${r.err()}`);
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`no banner: ${r.err()} ${r.out()}`);
}

/** The value after `label` on a banner line. */
export function field(text: string, label: string): string {
  const m = new RegExp(`${label}\\s+(\\S+)`).exec(text);
  if (!m) throw new Error(`no '${label}' in: ${text}`);
  return m[1]!;
}
