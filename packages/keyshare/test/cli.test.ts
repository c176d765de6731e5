// The sealpeer-keyshare CLI as a user runs it: --help, bad flags, env vars, the JSON "listening" line
// with the bound URL and verifier key, `key`, `monitor`, and a clean SIGTERM shutdown.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { KeyshareClient } from '@sealpeer/client';
import { describe, expect, it } from 'vitest';
import { onCleanup, tempDir, testKey } from './helpers.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'sealpeer-keyshare.js');

function run(args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onCleanup(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return child;
}

function collect(child: ChildProcess): {
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

async function waitFor<T>(f: () => T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out');
}

function listening(out: string): { url: string; verifierKey: string } | undefined {
  for (const line of out.split('\n')) {
    if (!line.startsWith('{')) continue;
    const j = JSON.parse(line) as { msg?: string; url?: string; verifierKey?: string };
    if (j.msg === 'listening' && j.url && j.verifierKey) return { url: j.url, verifierKey: j.verifierKey };
  }
  return undefined;
}

describe('sealpeer-keyshare CLI', () => {
  it('--help exits 0; an unknown flag or bad value exits 2 with a hint', async () => {
    // Started together: each process pays the TypeScript loader's start-up once, in parallel.
    const h = collect(run(['--help']));
    const bad = collect(run(['--bogus']));
    const port = collect(run(['--port', 'eighty']));
    const key = collect(run(['key', '--data-dir', join(tempDir(), 'none')]));
    expect(await h.exit).toBe(0);
    expect(h.out()).toContain('--allowed-origins');
    expect(await bad.exit).toBe(2);
    expect(bad.err()).toMatch(/--help/);
    expect(await port.exit).toBe(2);
    expect(port.err()).toMatch(/--port must be an integer/);
    expect(await key.exit).toBe(1);
    expect(key.err()).toMatch(/start the keyshare once/);
  }, 120_000);

  it('serves with env vars, prints the listening line, `key` matches, monitor follows, SIGTERM exits 0', async () => {
    const dir = join(tempDir(), 'ks');
    const child = run([], {
      SEALPEER_KEYSHARE_PORT: '0',
      SEALPEER_KEYSHARE_DATA_DIR: dir,
      SEALPEER_KEYSHARE_ORIGIN_NAME: 'keys.test/log',
    });
    const io = collect(child);
    const info = await waitFor(() => listening(io.out()));
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.verifierKey.startsWith('keys.test/log+')).toBe(true);
    expect(io.out()).toContain(`verifier key: ${info.verifierKey}`);

    const key = collect(run(['key', '--data-dir', dir]));
    expect(await key.exit).toBe(0);
    expect(key.out().trim()).toBe(info.verifierKey);

    const c = new KeyshareClient({ url: info.url, verifierKey: info.verifierKey });
    await c.publish('alice', testKey('alice'));
    await c.publish('bob', testKey('bob'));
    const mon = collect(
      run(['monitor', '--url', info.url, '--key', info.verifierKey, '--watch', 'bob', '--once']),
    );
    expect(await mon.exit).toBe(0);
    const events = mon
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; handle?: string });
    expect(events[0]).toMatchObject({ event: 'checkpoint' });
    expect(events.filter((e) => e.event === 'record')).toEqual([
      expect.objectContaining({ handle: 'bob', kind: 'claim' }),
    ]);

    const wrongKey = collect(
      run(['monitor', '--url', info.url, '--key', 'keys.test/log+00000000+AQ==', '--once']),
    );
    expect(await wrongKey.exit).toBe(1);
    expect(wrongKey.err()).toMatch(/key/);

    child.kill('SIGTERM');
    expect(await io.exit).toBe(0);
    expect(io.out()).toMatch(/"msg":"stopped"/);
  }, 120_000);
});
