import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { helpText, parseArgs, UsageError } from '../src/args.ts';
import { DEFAULT_LIMITS, OPTIONS } from '../src/config.ts';
import { parseDuration } from '../src/parse.ts';

function config(argv: string[], env: Record<string, string> = {}) {
  const r = parseArgs(argv, env);
  if (r.help) throw new Error('help');
  return r.config;
}

describe('configuration', () => {
  it('defaults match the documented ones', () => {
    const c = config([]);
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      adminPort: 9090,
      dataDir: './data',
      trustProxy: false,
      credentialTtlMs: 14 * 86_400_000,
      keyshareUrls: ['http://127.0.0.1:8090'],
      turnTtlMs: 3_600_000,
      logLevel: 'info',
    });
    expect(c.limits).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS).toMatchObject({
      maxClientsPerChannel: 256,
      credentialsPerMinute: 30,
      messageRate: 50,
      messageBurst: 100,
      maxConnectionsPerIp: 20,
      lockoutFailures: 5,
      lockoutWindowMs: 600_000,
      lockoutMs: 600_000,
      loginTimeoutMs: 10_000,
      pingIntervalMs: 25_000,
      maxFrameBytes: 65_536,
      maxDataBytes: 49_152,
    });
  });

  it('every flag has a SEALPEER_* env var; flags win over env', () => {
    for (const o of OPTIONS) expect(o.env).toMatch(/^SEALPEER_[A-Z_]+$/);
    expect(config([], { SEALPEER_PORT: '1234' }).port).toBe(1234);
    expect(config(['--port', '99'], { SEALPEER_PORT: '1234' }).port).toBe(99);
    expect(config(['--port=0']).port).toBe(0);
    expect(config([], { SEALPEER_LOGIN_TIMEOUT: '2s' }).limits.loginTimeoutMs).toBe(2000);
  });

  it('--store: sqlite by default, a postgres:// URL, anything else refused without echoing a password', () => {
    expect(config([]).store).toBe('sqlite');
    const url = 'postgres://relay:s3cret@db.internal:5432/sealpeer?sslmode=require';
    expect(config(['--store', url]).store).toBe(url);
    expect(config([], { SEALPEER_STORE: 'postgresql://db/sealpeer' }).store).toBe('postgresql://db/sealpeer');
    expect(config(['--store', 'sqlite'], { SEALPEER_STORE: url }).store).toBe('sqlite');
    const socket = 'postgres:///sealpeer?host=/var/run/postgresql';
    expect(config(['--store', socket]).store).toBe(socket);
    for (const bad of ['mysql://u:s3cret@h/db', 'redis://h', 'postgres://', 'sqlite3', ''])
      expect(() => config(['--store', bad]), bad).toThrow(UsageError);
    try {
      config(['--store', 'mysql://u:s3cret@h/db']);
    } catch (e) {
      expect((e as Error).message).toMatch(/--store wants sqlite or a URL like postgres:\/\//);
      expect((e as Error).message).not.toContain('s3cret');
    }
  });

  it('--bus: local by default; a redis:// URL needs a postgres store; anything else refused, password unsaid', () => {
    expect(config([]).bus).toBe('local');
    expect(config([]).busHeartbeatMs).toBe(5000);
    const pgUrl = 'postgres://sealpeer:pw@db.internal/sealpeer';
    expect(config(['--bus', 'redis://:pw@bus.internal:6379/0', '--store', pgUrl]).bus).toBe(
      'redis://:pw@bus.internal:6379/0',
    );
    expect(config([], { SEALPEER_BUS: 'rediss://bus', SEALPEER_STORE: pgUrl }).bus).toBe('rediss://bus');
    expect(config(['--bus-heartbeat', '1s']).busHeartbeatMs).toBe(1000);
    expect(() => config(['--bus', 'redis://bus'])).toThrow(/--bus needs a store every node shares/);
    for (const bad of ['', 'redis', 'redis://', 'memcached://h', 'http://bus:6379'])
      expect(() => config(['--bus', bad, '--store', pgUrl]), bad).toThrow(UsageError);
    try {
      config(['--bus', 'mongodb://u:s3cret@h/db', '--store', pgUrl]);
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toMatch(/--bus wants local or a URL like redis:\/\//);
      expect((e as Error).message).not.toContain('s3cret');
    }
    expect(() => config(['--bus-heartbeat', '0s'])).toThrow(UsageError);
  });

  it('--workers: 1 by default, a count or auto (one per core), and only with a bus and a shared store', () => {
    const pgUrl = 'postgres://sealpeer@db/sealpeer';
    const shared = ['--bus', 'redis://bus', '--store', pgUrl];
    expect(config([]).workers).toBe(1);
    expect(config(['--workers', '3', ...shared]).workers).toBe(3);
    expect(config(['--workers', 'auto', ...shared]).workers).toBe(availableParallelism());
    expect(config(['--workers', '1']).workers).toBe(1);
    for (const bad of ['0', '-1', '2.5', 'many', '257', ''])
      expect(() => config(['--workers', bad, ...shared]), bad).toThrow(UsageError);
    expect(() => config(['--workers', '2'])).toThrow(/--workers needs the bus/);
    expect(() => config(['--workers', '2', '--bus', 'redis://bus'])).toThrow(
      /--bus needs a store every node shares/,
    );
  });

  it('lists: repeatable and comma-separated; the first --keyshare-url replaces the default', () => {
    const c = config([
      '--keyshare-url',
      'https://k1.example/',
      '--keyshare-url',
      'https://k2.example,https://k3.example',
    ]);
    expect(c.keyshareUrls).toEqual(['https://k1.example', 'https://k2.example', 'https://k3.example']);
    expect(config(['--allowed-origins', 'https://a.example/path,*']).allowedOrigins).toEqual([
      'https://a.example',
      '*',
    ]);
    expect(config(['--trust-proxy', 'true']).trustProxy).toBe(true);
    expect(config(['--trust-proxy', '1']).trustProxy).toBe(1);
    expect(config(['--trust-proxy', '127.0.0.1,10.0.0.0/8']).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8']);
  });

  it('durations', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('10')).toBe(10_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('14d')).toBe(14 * 86_400_000);
    for (const bad of ['', 'x', '10y', '-1s', '1e9', '10 s m']) expect(parseDuration(bad)).toBeUndefined();
  });

  it.each([
    [['--bogus']],
    [['--port']],
    [['--port', 'x']],
    [['--port', '70000']],
    [['--admin-port', '-2']],
    [['--credential-ttl', '0s']],
    [['--turn-ttl', '2h']],
    [['--log-level', 'loud']],
    [['--tls-cert', 'a.pem']],
    [['--public-url', 'not a url']],
    [['--keyshare-url', 'nope']],
    [['--ice-servers', '{"urls":1}']],
    [['--ice-servers', '[{"urls":"http://x"}]']],
    [['--ice-servers', '[{"urls":"stun:x","extra":1}]']],
    [['--ice-servers', 'not json']],
    [['--message-rate', '0']],
  ])('refuses %j with a UsageError', (argv) => {
    expect(() => parseArgs(argv, {})).toThrow(UsageError);
  });

  it('accepts ICE servers in RTCIceServer form', () => {
    const ice = [
      { urls: ['stun:stun.example:3478', 'turns:turn.example:5349'], username: 'u', credential: 'c' },
    ];
    expect(config(['--ice-servers', JSON.stringify(ice)]).iceServers).toEqual(ice);
  });

  it('help text has one line per option, with its default', () => {
    const text = helpText();
    expect(parseArgs(['--help'], {})).toEqual({ help: true });
    for (const o of OPTIONS) expect(text).toContain(`${o.flag} ${o.arg}`);
    expect(text).toContain('default: 8080');
  });
});
