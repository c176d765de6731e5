// `npm start` options (scripts/start/options.ts): precedence flag > env > sealpeer.config.json > default,
// and every wrong input answered with a message that names the flag, variable or config key.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  parseStartArgs,
  START_OPTIONS,
  StartUsageError,
  startHelp,
} from '../../../../scripts/start/options.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function cwdWith(config?: unknown): string {
  const d = mkdtempSync(join(tmpdir(), 'sealpeer-start-'));
  dirs.push(d);
  if (config !== undefined)
    writeFileSync(
      join(d, 'sealpeer.config.json'),
      typeof config === 'string' ? config : JSON.stringify(config),
    );
  return d;
}
function opts(argv: string[], env: Record<string, string> = {}, cwd = cwdWith()) {
  const p = parseStartArgs(argv, env, cwd);
  if (p.help) throw new Error('help');
  return p.options;
}

describe('npm start options', () => {
  it('defaults: loopback, 8080/8090/9090, ./data under the current folder, no TLS', () => {
    const cwd = cwdWith();
    const o = opts([], {}, cwd);
    expect(o).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      keysharePort: 8090,
      adminPort: 9090,
      lan: false,
    });
    expect(o.dataDir).toBe(join(cwd, 'data'));
    expect(o.publicUrl).toBeUndefined();
  });

  it('routes each flag to its own option (the keyshare port is not the server port)', () => {
    const o = opts([
      '--port',
      '8180',
      '--keyshare-port=8190',
      '--admin-port',
      '-1',
      '--host',
      '0.0.0.0',
      '--public-url',
      'http://192.168.1.20:8180/ignored/path',
      '--data-dir',
      '/tmp/x',
      '--lan-name',
      'a.local',
      '--lan-name',
      'b.local',
      '--server-args',
      '--turn-secret s3cret',
    ]);
    expect(o).toMatchObject({
      port: 8180,
      keysharePort: 8190,
      adminPort: -1,
      host: '0.0.0.0',
      publicUrl: 'http://192.168.1.20:8180',
      dataDir: '/tmp/x',
      lanNames: ['a.local', 'b.local'],
      serverArgs: ['--turn-secret', 's3cret'],
    });
  });

  it('precedence: flag > environment variable > config file > default', () => {
    const cwd = cwdWith({ port: 7000, keysharePort: 7001, adminPort: 7002, logLevel: 'warn' });
    const o = opts(['--port', '6000'], { SEALPEER_PORT: '6500', SEALPEER_KEYSHARE_PORT: '6501' }, cwd);
    expect(o.port).toBe(6000);
    expect(o.keysharePort).toBe(6501);
    expect(o.adminPort).toBe(7002);
    expect(o.logLevel).toBe('warn');
    expect(o.host).toBe('127.0.0.1');
  });

  it('--lan listens on every interface unless a host is given; --config names another file', () => {
    expect(opts(['--lan']).host).toBe('0.0.0.0');
    expect(opts(['--lan', '--host', '127.0.0.1']).host).toBe('127.0.0.1');
    expect(opts([], { SEALPEER_LAN: '1' }).host).toBe('0.0.0.0');
    const cwd = cwdWith();
    mkdirSync(join(cwd, 'conf'));
    writeFileSync(join(cwd, 'conf/lan.json'), JSON.stringify({ lan: true, dataDir: 'state' }));
    const o = opts(['--config', 'conf/lan.json'], {}, cwd);
    expect(o).toMatchObject({ lan: true, host: '0.0.0.0', dataDir: join(cwd, 'state') });
  });

  it('wrong input: a clear StartUsageError naming where the value came from', () => {
    const cases: Array<[string[], Record<string, string>, unknown, RegExp]> = [
      [['--bogus'], {}, undefined, /unknown option '--bogus'/],
      [['--port'], {}, undefined, /--port needs a value/],
      [['--port', '70000'], {}, undefined, /--port wants a port number/],
      [['--port', '8o8o'], {}, undefined, /--port wants a port number/],
      [[], { SEALPEER_KEYSHARE_PORT: '-5' }, undefined, /SEALPEER_KEYSHARE_PORT wants a port/],
      [['--public-url', 'ftp://x'], {}, undefined, /--public-url wants an http/],
      [['--public-url', 'not a url'], {}, undefined, /--public-url wants a URL/],
      [['--log-level', 'loud'], {}, undefined, /--log-level wants one of/],
      [['--lan-name', 'bad_name!'], {}, undefined, /--lan-name wants a DNS name/],
      [['--config', 'missing.json'], {}, undefined, /does not exist/],
      [[], {}, '{"port": 80,', /is not valid JSON/],
      [[], {}, '[1,2]', /must hold one JSON object/],
      [[], {}, { prot: 8080 }, /unknown key "prot"/],
      [[], {}, { port: '8080x' }, /"port" wants a port number/],
      [[], {}, { lan: 'yes' }, /"lan" wants true or false/],
      [[], {}, { serverArgs: [1] }, /"serverArgs" wants a list of arguments/],
    ];
    for (const [argv, env, config, pattern] of cases) {
      const cwd = cwdWith(config);
      expect(() => parseStartArgs(argv, env, cwd), `${argv} ${JSON.stringify(env)} ${config}`).toThrow(
        StartUsageError,
      );
      expect(() => parseStartArgs(argv, env, cwd)).toThrow(pattern);
    }
  });

  it('--help lists every option with its env var and config key', () => {
    expect(parseStartArgs(['--port', '1', '--help'], {}, cwdWith())).toEqual({ help: true });
    const help = startHelp();
    expect(START_OPTIONS.length).toBeGreaterThanOrEqual(10);
    for (const s of START_OPTIONS) {
      expect(help).toContain(s.flag);
      expect(help).toContain(`env ${s.env}`);
      expect(help).toContain(`config "${s.key}"`);
    }
    for (const f of [
      '--port',
      '--keyshare-port',
      '--admin-port',
      '--host',
      '--public-url',
      '--data-dir',
      '--lan',
    ])
      expect(help).toContain(f);
  });
});
