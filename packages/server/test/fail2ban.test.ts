// docs/operators/fail2ban.md's filter, run against real log lines of a real server.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createChannel, credential, start, type TestServer } from './helpers.ts';

const docPath = join(fileURLToPath(import.meta.url), '../../../../docs/operators/fail2ban.md');

/** The failregex of the filter block, with fail2ban's <HOST> as a capture of an IPv4/IPv6 address. */
function failregex(): RegExp {
  const m = /^failregex = (.+)$/m.exec(readFileSync(docPath, 'utf8'));
  expect(m).not.toBeNull();
  const source = m![1]!.replace('<HOST>', '(?<host>[0-9A-Fa-f:.]+)');
  return new RegExp(source);
}

let s: TestServer;
const lines: string[] = [];
beforeAll(async () => {
  s = await start();
  const cred = await credential(s, await createChannel(s));
  for (const clientId of [cred.clientId, '","event":"auth_failed","ip":"198.51.100.9","clientId":"']) {
    const c = await Client.open(s.wsUrl);
    c.send({ type: 'login', clientId, password: 'wrong', sessionId: cred.sessionId });
    await c.closed;
  }
  // The same JSON serialisation the server writes to stdout.
  for (const l of s.logs) if (l.event === 'auth_failed') lines.push(JSON.stringify(l));
});
afterAll(() => s.stop());

describe('fail2ban filter', () => {
  it('matches the auth_failed line and captures the client IP', () => {
    expect(lines).toHaveLength(2);
    const m = failregex().exec(lines[0]!);
    expect(m?.groups?.host).toBe('127.0.0.1');
    // As the systemd backend presents it: journal prefix first.
    const journal = `Nov 23 11:22:40 relay sealpeer-server[4242]: ${lines[0]}`;
    expect(failregex().exec(journal)?.groups?.host).toBe('127.0.0.1');
  });

  it('a clientId crafted to look like another IP still yields the real IP', () => {
    const m = failregex().exec(lines[1]!);
    expect(m?.groups?.host).toBe('127.0.0.1');
    expect(lines[1]).toContain('198.51.100.9');
  });

  it('does not match other log lines', () => {
    for (const l of s.logs.filter((x) => x.event !== 'auth_failed'))
      expect(failregex().test(JSON.stringify(l))).toBe(false);
    expect(s.logs.some((l) => l.msg === 'listening')).toBe(true);
  });

  it('the documented example line matches too', () => {
    const doc = readFileSync(docPath, 'utf8');
    const example = /```json\n(.+)\n```/.exec(doc)![1]!;
    expect(failregex().exec(example)?.groups?.host).toBe('203.0.113.7');
  });

  it('Debian’s fail2ban-regex, given the documented filter file, bans the real IP of real lines', () => {
    const bin = '/usr/bin/fail2ban-regex';
    let version = '';
    try {
      version = execFileSync(bin, ['--version'], { encoding: 'utf8' });
    } catch {
      throw new Error(`${bin} is missing: install it with: sudo apt-get install -y fail2ban`);
    }
    expect(version).toMatch(/\d+\.\d+/);
    const doc = readFileSync(docPath, 'utf8');
    const filter = /```ini\n(\[Definition\][\s\S]*?)```/.exec(doc)?.[1];
    expect(filter).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'sealpeer-fail2ban-'));
    try {
      writeFileSync(join(dir, 'sealpeer.conf'), filter!);
      const others = s.logs.filter((l) => l.event !== 'auth_failed').map((l) => JSON.stringify(l));
      writeFileSync(join(dir, 'server.log'), `${[...lines, ...others].join('\n')}\n`);
      const out = execFileSync(bin, ['-v', join(dir, 'server.log'), join(dir, 'sealpeer.conf')], {
        encoding: 'utf8',
      });
      expect(out).toContain(`${lines.length + others.length} lines, 0 ignored, 2 matched`);
      // The hits it lists: the connecting IP both times (with pino's time parsed), never the one a
      // crafted clientId carries.
      const hits = [...out.matchAll(/^\|\s+(\S+)\s+\w{3} \w{3} +\d+ [\d:]+ \d{4}$/gm)].map((m) => m[1]);
      expect(hits).toEqual(['127.0.0.1', '127.0.0.1']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
