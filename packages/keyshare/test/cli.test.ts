// The sealpeer-keyshare CLI as a user runs it: --help, bad flags, env vars, the JSON "listening" line
// with the bound URL and verifier key, `key`, `monitor`, and a clean SIGTERM shutdown.
import { join } from 'node:path';
import { KeyshareClient } from '@sealpeer/client';
import { describe, expect, it } from 'vitest';
import { collect, listening, run, waitFor } from './cli-support.ts';
import { tempDir, testKey } from './helpers.ts';

describe('sealpeer-keyshare CLI', () => {
  it('--help exits 0 (also for witness); an unknown flag, bad value or missing --log exits 2 with a hint', async () => {
    // Started together: each process pays the TypeScript loader's start-up once, in parallel.
    const h = collect(run(['--help']));
    const bad = collect(run(['--bogus']));
    const port = collect(run(['--port', 'eighty']));
    const key = collect(run(['key', '--data-dir', join(tempDir(), 'none')]));
    const wHelp = collect(run(['witness', '--help']));
    const wNoLog = collect(run(['witness', '--port', '0'], { SEALPEER_WITNESS_LOGS: '' }));
    const badWitness = collect(run(['--witness', 'http://127.0.0.1:1']));
    const certOnly = collect(run(['--tls-cert', 'cert.pem']));
    expect(await h.exit).toBe(0);
    expect(h.out()).toContain('--allowed-origins');
    expect(await bad.exit).toBe(2);
    expect(bad.err()).toMatch(/--help/);
    expect(await port.exit).toBe(2);
    expect(port.err()).toMatch(/--port must be an integer/);
    expect(await key.exit).toBe(1);
    expect(key.err()).toMatch(/start the keyshare once/);
    expect(await wHelp.exit).toBe(0);
    expect(wHelp.out()).toContain('--log KEY');
    expect(await wNoLog.exit).toBe(2);
    expect(wNoLog.err()).toMatch(/at least one --log/);
    expect(await badWitness.exit).toBe(2);
    expect(badWitness.err()).toMatch(/URL,COSIGNER_KEY/);
    expect(await certOnly.exit).toBe(2);
    expect(certOnly.err()).toMatch(/--tls-cert and --tls-key go together/);
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
    // The plain-words lines go to stderr; stdout is only JSON log lines, each with ISO time and svc.
    expect(io.err()).toContain(`verifier key: ${info.verifierKey}`);
    const lines = io.out().trim().split('\n');
    for (const line of lines) {
      const o = JSON.parse(line) as { time: unknown; svc: unknown };
      expect(o.svc).toBe('keyshare');
      expect(o.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }

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

    // The log is gone now: `monitor --once` cannot check it, and says so with a non-zero exit.
    const gone = collect(run(['monitor', '--url', info.url, '--key', info.verifierKey, '--once']));
    expect(await gone.exit).toBe(1);
    expect(gone.err()).toMatch(/could not check the log/);
  }, 120_000);
});
