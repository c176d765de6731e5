// Runs the real `sealpeer` bin as a child process and collects its JSON event lines.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'sealpeer.js');

export interface CliRun {
  child: ChildProcess;
  events: Array<Record<string, unknown>>;
  stderr: () => string;
  /** Resolves with the first event of that name. */
  event(name: string): Promise<Record<string, unknown>>;
  exit: Promise<number>;
}

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'sealpeer-cli-'));
}

export function runCli(args: string[], env: Record<string, string> = {}): CliRun {
  const home = tempHome();
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, XDG_CONFIG_HOME: home, HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Array<Record<string, unknown>> = [];
  const waiters: Array<[string, (e: Record<string, unknown>) => void]> = [];
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    let i = out.indexOf('\n');
    while (i >= 0) {
      const line = out.slice(0, i);
      out = out.slice(i + 1);
      i = out.indexOf('\n');
      let ev: Record<string, unknown>;
      try {
        ev = JSON.parse(line);
      } catch {
        continue; // human output (QR code)
      }
      events.push(ev);
      for (const [name, fn] of waiters.filter(([n]) => n === ev.event)) {
        waiters.splice(waiters.indexOf([name, fn] as never), 1);
        fn(ev);
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exit = new Promise<number>((r) => child.on('exit', (code) => r(code ?? -1)));
  return {
    child,
    events,
    stderr: () => err,
    exit,
    event(name) {
      const have = events.find((e) => e.event === name);
      if (have) return Promise.resolve(have);
      return new Promise((resolve, reject) => {
        waiters.push([name, resolve]);
        void exit.then(() =>
          setTimeout(() => reject(new Error(`exited without ${name}: ${JSON.stringify(events)} ${err}`)), 50),
        );
      });
    },
  };
}
