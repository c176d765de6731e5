// `npm start` end to end (node scripts/start.mjs, loopback only): flags reach the right service, the
// banner says in plain words where to open the app, the verifier key and where data lives, every
// stdout line is a pino JSON line with ISO time and svc, and SIGTERM stops both services with exit 0.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { banner, field, killAll, startRun } from './support.ts';

const SLOW = 120_000;
const dirs: string[] = [];
afterEach(() => {
  killAll();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'sealpeer-start-'));
  dirs.push(d);
  return d;
}

describe('npm start', () => {
  it(
    'routes --port/--keyshare-port/--admin-port/--data-dir, prints URL, verifier key and data dir; SIGTERM exits 0',
    async () => {
      const data = join(temp(), 'state');
      // Bad usage exits 2 with the message, before anything starts (run in parallel with the real one).
      const bad = startRun(['--keyshare-port', 'x']);
      const r = startRun([
        ...['--port', '0', '--keyshare-port', '0', '--admin-port', '0', '--data-dir', data],
        ...['--host', '127.0.0.1'],
      ]);
      const text = await banner(r);
      expect(await bad.exited).toBe(2);
      expect(bad.err()).toMatch(/--keyshare-port wants a port number/);

      const appUrl = field(text, 'Open the app:');
      const keyshareUrl = field(text, 'Keyshare:');
      const verifierKey = field(text, 'Verifier key:');
      expect(appUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(text).toContain(`Data lives in: ${data}`);
      expect(text).toMatch(/Metrics:\s+http:\/\/127\.0\.0\.1:\d+\/metrics/);

      // Each service got its own port: the server answers at the app URL, the keyshare at its own.
      expect(keyshareUrl).not.toBe(appUrl.replace(/\/$/, ''));
      expect(await fetch(`${appUrl}healthz`).then((x) => x.json())).toEqual({ ok: true });
      // The app learns the keyshare the launcher started, and the keyshare lets the app's origin in.
      const cfg = (await fetch(`${appUrl}api/config`).then((x) => x.json())) as { keyshareUrls: string[] };
      expect(cfg.keyshareUrls).toEqual([keyshareUrl]);
      const origin = appUrl.replace(/\/$/, '');
      const cp = await fetch(`${keyshareUrl}/v1/checkpoint`, { headers: { Origin: origin } });
      expect(cp.status).toBe(200);
      expect(cp.headers.get('access-control-allow-origin')).toBe(origin);
      // The verifier key printed is the one the keyshare signs its checkpoint with.
      const keyName = verifierKey.split('+')[0]!;
      expect(await cp.text()).toContain(`— ${keyName} `);
      // The app build gets that key from the launcher's own list file, never from the relay.
      const devList = JSON.parse(readFileSync(join(data, 'trusted-keyshares.dev.json'), 'utf8')) as {
        keyshares: Array<{ url: string; verifierKey: string }>;
      };
      expect(devList.keyshares.map((k) => [k.url, k.verifierKey])).toEqual([[keyshareUrl, verifierKey]]);
      expect(JSON.stringify(cfg)).not.toContain(verifierKey.split('+')[2]!);

      // stdout: only pino JSON lines, same settings for both services (ISO time, svc, pid).
      r.child.kill('SIGTERM');
      expect(await r.exited).toBe(0);
      const lines = r.out().trim().split('\n');
      const svcs = new Set<string>();
      for (const line of lines) {
        const o = JSON.parse(line) as Record<string, unknown>;
        expect(o.time, line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(typeof o.pid).toBe('number');
        svcs.add(String(o.svc));
      }
      expect([...svcs].sort()).toEqual(['keyshare', 'server']);
      const listening = lines.map((l) => JSON.parse(l)).filter((o) => o.msg === 'listening');
      expect(listening.find((o) => o.svc === 'server')?.dataDir).toBe(join(data, 'server'));
      expect(listening.find((o) => o.svc === 'keyshare')?.dataDir).toBe(join(data, 'keyshare'));
    },
    SLOW,
  );

  it(
    'reads sealpeer.config.json from the current folder; a flag beats it',
    async () => {
      const cwd = temp();
      writeFileSync(
        join(cwd, 'sealpeer.config.json'),
        JSON.stringify({ port: 0, keysharePort: 0, adminPort: -1, dataDir: 'kept-here', logLevel: 'warn' }),
      );
      const r = startRun(['--log-level', 'info'], { cwd });
      const text = await banner(r);
      expect(text).toContain(`Data lives in: ./kept-here`);
      expect(text).not.toContain('Metrics:');
      // info lines are there: the flag won over the file's "warn".
      expect(r.out()).toMatch(/"msg":"listening"/);
      r.child.kill('SIGINT');
      expect(await r.exited).toBe(0);
    },
    SLOW,
  );
});
