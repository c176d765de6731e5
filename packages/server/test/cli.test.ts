// The real `sealpeer-server` binary as a child process on free ports (`npm start`: start/start.test.ts).
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/** Child processes load TypeScript through tsx: slow on a busy machine, so these tests may take long. */
const SLOW = 90_000;

import { OPTIONS } from '../src/config.ts';
import { Client, tempDir } from './helpers.ts';
import { runNode } from './start/support.ts';

const pkg = join(fileURLToPath(import.meta.url), '../..');
const bin = join(pkg, 'bin/sealpeer-server.js');

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(file: string, args: string[], env: Record<string, string> = {}): Run {
  const r = runNode(file, args, { env });
  children.push(r.child);
  return { child: r.child, stdout: r.out, stderr: r.err, exited: r.exited };
}

async function listening(r: Run, timeoutMs = 60_000): Promise<{ url: string; adminUrl?: string }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const line of r.stdout().split('\n')) {
      if (!line.includes('"msg":"listening"')) continue;
      const parsed = JSON.parse(line);
      // The server's line (npm start also runs the keyshare, which logs its own).
      if (parsed.url && parsed.wsUrl) return parsed;
    }
    if (r.child.exitCode !== null) throw new Error(`exited early: ${r.stderr()}`);
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`no "listening" line: ${r.stdout()} ${r.stderr()}`);
}

describe('sealpeer-server CLI', () => {
  it(
    '--help lists every flag with its env var; bad usage exits 2 with a message that says what is wrong',
    async () => {
      // Each parse rule has an in-process test in config.test.ts; here the exit code and stderr path.
      const cases: Array<{ args: string[]; env: Record<string, string>; pattern: RegExp }> = [
        { args: ['--bogus'], env: {}, pattern: /unknown option '--bogus'/ },
        { args: [], env: { SEALPEER_PORT: '99999' }, pattern: /SEALPEER_PORT: --port wants/ },
      ];
      const runs = cases.map((c) => run(bin, c.args, c.env));
      const r = run(bin, ['--help']);
      for (const [i, bad] of runs.entries()) {
        expect(await bad.exited).toBe(2);
        expect(bad.stderr()).toMatch(cases[i]!.pattern);
      }
      expect(await r.exited).toBe(0);
      for (const o of OPTIONS) {
        expect(r.stdout()).toContain(o.flag);
        expect(r.stdout()).toContain(o.env);
      }
      for (const flag of [
        '--host',
        '--port',
        '--data-dir',
        '--admin-port',
        '--public-url',
        '--tls-cert',
        '--tls-key',
      ])
        expect(r.stdout()).toContain(flag);
      for (const flag of [
        '--trust-proxy',
        '--allowed-origins',
        '--credential-ttl',
        '--log-level',
        '--turn-ttl',
      ])
        expect(r.stdout()).toContain(flag);
    },
    SLOW,
  );

  it(
    'logs one JSON "listening" line with the bound url; a taken port exits 1; SIGTERM closes sockets 1001 and exits 0',
    async () => {
      const dataDir = tempDir();
      dirs.push(dataDir);
      const r = run(bin, ['--port', '0', '--data-dir', dataDir, '--log-level', 'info'], {
        SEALPEER_ADMIN_PORT: '0',
      });
      const line = await listening(r);
      expect(line.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(line.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${line.url}/healthz`).then((x) => x.json());
      expect(health).toEqual({ ok: true });
      const otherDir = tempDir();
      dirs.push(otherDir);
      const taken = run(bin, [
        '--port',
        new URL(line.url).port,
        '--admin-port',
        '-1',
        '--data-dir',
        otherDir,
      ]);
      expect(await taken.exited).toBe(1);
      expect(taken.stderr()).toMatch(/port is taken/);
      const client = await Client.open(`${line.url.replace('http', 'ws')}/ws`);
      r.child.kill('SIGTERM');
      expect((await client.closed).code).toBe(1001);
      expect(await r.exited).toBe(0);
      for (const l of r.stdout().trim().split('\n')) expect(() => JSON.parse(l)).not.toThrow();
      expect(r.stdout()).toContain('"event":"stopped"');
    },
    SLOW,
  );
});
