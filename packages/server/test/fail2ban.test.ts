// docs/operators/fail2ban.md's filter, run against real log lines of a real server.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCidr } from '../src/net/cidr.ts';
import { Client, createChannel, credential, http, loginFrame, start, type TestServer } from './helpers.ts';

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
    const doc = readFileSync(docPath, 'utf8');
    const filter = /```ini\n(\[Definition\][\s\S]*?)```/.exec(doc)?.[1];
    expect(filter).toBeDefined();
    const others = s.logs.filter((l) => l.event !== 'auth_failed').map((l) => JSON.stringify(l));
    const out = fail2banRegex(filter!, [...lines, ...others]);
    expect(out).toContain(`${lines.length + others.length} lines, 0 ignored, 2 matched`);
    // The hits it lists: the connecting IP both times (with pino's time parsed), never the one a
    // crafted clientId carries.
    expect(hits(out)).toEqual(['127.0.0.1', '127.0.0.1']);
  });
});

/** Runs Debian's fail2ban-regex with `filter` (a filter.d file's text) over `logLines`; its -v output. */
function fail2banRegex(filter: string, logLines: string[]): string {
  const bin = '/usr/bin/fail2ban-regex';
  let version = '';
  try {
    version = execFileSync(bin, ['--version'], { encoding: 'utf8' });
  } catch {
    throw new Error(`${bin} is missing: install it with: sudo apt-get install -y fail2ban`);
  }
  expect(version).toMatch(/\d+\.\d+/);
  const dir = mkdtempSync(join(tmpdir(), 'sealpeer-fail2ban-'));
  try {
    writeFileSync(join(dir, 'filter.conf'), filter);
    writeFileSync(join(dir, 'server.log'), `${logLines.join('\n')}\n`);
    return execFileSync(bin, ['-v', join(dir, 'server.log'), join(dir, 'filter.conf')], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The addresses fail2ban-regex -v lists as hits (each with pino's time parsed). */
const hits = (out: string) =>
  [...out.matchAll(/^\|\s+(\S+)\s+\w{3} \w{3} +\d+ [\d:]+ \d{4}$/gm)].map((m) => m[1]);

describe('fail2ban filter for refusals by the operator controls (sealpeer-refused)', () => {
  const TOKEN = 'operator-token-0123456789abcdef';
  let r: TestServer;
  let tokenDir: string;
  const refusals: string[] = [];
  /** In the order the beforeAll provokes them. */
  const EVENTS = ['ip_refused', 'channel_token_refused', 'banned_login'];
  /** The ```ini block under the sealpeer-refused.conf heading. */
  const filter = (): string => {
    const doc = readFileSync(docPath, 'utf8');
    const at = doc.indexOf('filter.d/sealpeer-refused.conf');
    expect(at).toBeGreaterThan(0);
    const block = /```ini\n(\[Definition\][\s\S]*?)```/.exec(doc.slice(at))?.[1];
    expect(block).toBeDefined();
    return block!;
  };
  const regex = (): RegExp => {
    const m = /^failregex = (.+)$/m.exec(filter());
    expect(m).not.toBeNull();
    return new RegExp(m![1]!.replace('<HOST>', '(?<host>[0-9A-Fa-f:.]+)'));
  };

  beforeAll(async () => {
    tokenDir = mkdtempSync(join(tmpdir(), 'sealpeer-token-'));
    writeFileSync(join(tokenDir, 'token'), TOKEN);
    r = await start({
      trustProxy: ['127.0.0.1'],
      denyCidrs: [parseCidr('198.51.100.0/24')],
      channelCreation: 'token',
      channelTokenFile: join(tokenDir, 'token'),
    });
    const bearer = { authorization: `Bearer ${TOKEN}` };
    const ch = await http(r.url, 'POST', '/api/channels', { public: false }, bearer);
    const cred = await credential(r, ch.body.channelId);
    // 1: a denied forwarded client; 2: a request without the token; 3: a banned credential's login.
    await http(r.url, 'GET', '/healthz', undefined, { 'x-forwarded-for': '198.51.100.23' });
    await http(r.url, 'POST', '/api/channels', { public: false }, { 'x-forwarded-for': '203.0.113.40' });
    const ban = { kind: 'credential', target: cred.clientId, duration: '1h' };
    expect((await http(r.adminUrl!, 'POST', '/admin/bans', ban)).status).toBe(201);
    const c = await Client.open(r.wsUrl, { headers: { 'x-forwarded-for': '203.0.113.41' } });
    c.send(loginFrame(cred));
    await c.closed;
    for (const l of r.logs) if (EVENTS.includes(l.event as string)) refusals.push(JSON.stringify(l));
  });
  afterAll(async () => {
    await r.stop();
    rmSync(tokenDir, { recursive: true, force: true });
  });

  it('matches each kind of refusal with the refused IP, and nothing else', () => {
    expect(refusals.map((l) => JSON.parse(l).event)).toEqual(EVENTS);
    expect(refusals.map((l) => regex().exec(l)?.groups?.host)).toEqual([
      '198.51.100.23',
      '203.0.113.40',
      '203.0.113.41',
    ]);
    const others = r.logs.filter((l) => !EVENTS.includes(l.event as string));
    expect(others.some((l) => l.event === 'admin_action')).toBe(true);
    for (const l of others) expect(regex().test(JSON.stringify(l))).toBe(false);
    // The login filter does not count them as failed logins.
    for (const l of refusals) expect(failregex().test(l)).toBe(false);
    const example = /```json\n(.+)\n```/.exec(
      readFileSync(docPath, 'utf8').slice(readFileSync(docPath, 'utf8').indexOf('sealpeer-refused.conf')),
    )![1]!;
    expect(regex().exec(example)?.groups?.host).toBe('198.51.100.23');
  });

  it('Debian’s fail2ban-regex with the documented refusal filter lists exactly the refused IPs', () => {
    const others = r.logs.filter((l) => !EVENTS.includes(l.event as string)).map((l) => JSON.stringify(l));
    const out = fail2banRegex(filter(), [...refusals, ...others]);
    expect(out).toContain(`${refusals.length + others.length} lines, 0 ignored, 3 matched`);
    expect(hits(out)).toEqual(['198.51.100.23', '203.0.113.40', '203.0.113.41']);
  });
});
