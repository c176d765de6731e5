// `npm start` options: one table of flags, each with its environment variable and its key in
// sealpeer.config.json. Precedence: flag > environment variable > config file > default.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

export class StartUsageError extends Error {}

export interface StartOptions {
  host: string;
  /** Relay server (and app) port; 0 = any free port. */
  port: number;
  keysharePort: number;
  /** Server's admin (/metrics) port on 127.0.0.1; 0 = any free port, -1 = off. */
  adminPort: number;
  /** The URL people open (e.g. https://laptop.example:8080); also the keyshare's allowed origin. */
  publicUrl: string | undefined;
  /** Root of all data: server/, keyshare/ and (with --lan) tls/ below it. */
  dataDir: string;
  logLevel: string;
  /** HTTPS with a local CA for phones on the same network (scripts/start/local-ca.ts). */
  lan: boolean;
  /** Extra DNS names for the --lan certificate (beside <hostname>.local and localhost). */
  lanNames: string[];
  /** Passed as they are to sealpeer-server / sealpeer-keyshare (see their --help). */
  serverArgs: string[];
  keyshareArgs: string[];
}

type Key = keyof StartOptions;

interface Spec {
  flag: string;
  key: Key;
  env: string;
  arg: string;
  shown: string;
  help: string;
  /** Turns the raw text (flag/env) or the JSON value (config file) into the option's value. */
  parse: (raw: unknown, from: string) => unknown;
  /** A flag without a value (--lan). */
  boolean?: boolean;
  repeatable?: boolean;
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

function portParser(min: number): Spec['parse'] {
  return (raw, from) => {
    const s = typeof raw === 'number' ? String(raw) : raw;
    if (typeof s !== 'string' || !/^-?\d+$/.test(s.trim()) || Number(s) < min || Number(s) > 65535)
      throw new StartUsageError(
        `${from} wants a port number from ${min} to 65535, got ${JSON.stringify(raw)}`,
      );
    return Number(s);
  };
}

function textParser(raw: unknown, from: string): string {
  if (typeof raw !== 'string' || raw.trim() === '')
    throw new StartUsageError(`${from} wants a non-empty text, got ${JSON.stringify(raw)}`);
  return raw.trim();
}

function boolParser(raw: unknown, from: string): boolean {
  if (typeof raw === 'boolean') return raw;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false' || raw === '') return false;
  throw new StartUsageError(`${from} wants true or false, got ${JSON.stringify(raw)}`);
}

function listParser(item: (raw: unknown, from: string) => string): Spec['parse'] {
  return (raw, from) => {
    const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : undefined;
    if (!items) throw new StartUsageError(`${from} wants a list, got ${JSON.stringify(raw)}`);
    return items.map((x) => (typeof x === 'string' ? x.trim() : x)).map((x) => item(x, from));
  };
}

const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

function dnsName(raw: unknown, from: string): string {
  const s = textParser(raw, from).toLowerCase();
  if (!DNS_NAME.test(s)) throw new StartUsageError(`${from} wants a DNS name like laptop.local, got '${s}'`);
  return s;
}

function argList(raw: unknown, from: string): string[] {
  if (typeof raw === 'string') return raw.split(/\s+/).filter(Boolean);
  if (Array.isArray(raw) && raw.every((x) => typeof x === 'string')) return raw;
  throw new StartUsageError(`${from} wants a list of arguments, got ${JSON.stringify(raw)}`);
}

export const START_OPTIONS: readonly Spec[] = [
  {
    flag: '--host',
    key: 'host',
    env: 'SEALPEER_HOST',
    arg: 'ADDR',
    shown: '127.0.0.1; 0.0.0.0 with --lan',
    help: 'address both services listen on (0.0.0.0 = every network of this machine)',
    parse: textParser,
  },
  {
    flag: '--port',
    key: 'port',
    env: 'SEALPEER_PORT',
    arg: 'N',
    shown: '8080',
    help: 'port of the relay server and the app; 0 = any free port',
    parse: portParser(0),
  },
  {
    flag: '--keyshare-port',
    key: 'keysharePort',
    env: 'SEALPEER_KEYSHARE_PORT',
    arg: 'N',
    shown: '8090',
    help: 'port of the keyshare; 0 = any free port',
    parse: portParser(0),
  },
  {
    flag: '--admin-port',
    key: 'adminPort',
    env: 'SEALPEER_ADMIN_PORT',
    arg: 'N',
    shown: '9090',
    help: "server's /metrics on 127.0.0.1; 0 = any free port, -1 = off",
    parse: portParser(-1),
  },
  {
    flag: '--public-url',
    key: 'publicUrl',
    env: 'SEALPEER_PUBLIC_URL',
    arg: 'URL',
    shown: '(none)',
    help: 'the address people open, e.g. http://192.168.1.20:8080 (shown first, allowed by both services)',
    parse: (raw, from) => {
      const s = textParser(raw, from);
      let u: URL;
      try {
        u = new URL(s);
      } catch {
        throw new StartUsageError(`${from} wants a URL like http://192.168.1.20:8080, got '${s}'`);
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:')
        throw new StartUsageError(`${from} wants an http:// or https:// URL, got '${s}'`);
      return u.origin;
    },
  },
  {
    flag: '--data-dir',
    key: 'dataDir',
    env: 'SEALPEER_DATA_ROOT',
    arg: 'DIR',
    shown: './data',
    help: 'where everything is kept: DIR/server, DIR/keyshare, DIR/tls',
    parse: textParser,
  },
  {
    flag: '--log-level',
    key: 'logLevel',
    env: 'SEALPEER_LOG_LEVEL',
    arg: 'LEVEL',
    shown: 'info',
    help: 'trace, debug, info, warn, error, fatal or silent (both services)',
    parse: (raw, from) => {
      const s = textParser(raw, from);
      if (!LEVELS.includes(s))
        throw new StartUsageError(`${from} wants one of ${LEVELS.join(', ')}, got '${s}'`);
      return s;
    },
  },
  {
    flag: '--lan',
    key: 'lan',
    env: 'SEALPEER_LAN',
    arg: '',
    shown: 'off',
    help: 'phones on this network: HTTPS with a local CA kept in DIR/tls, a QR code to open the app',
    parse: boolParser,
    boolean: true,
  },
  {
    flag: '--lan-name',
    key: 'lanNames',
    env: 'SEALPEER_LAN_NAMES',
    arg: 'NAME',
    shown: '<hostname>.local',
    help: 'extra DNS name the --lan certificate is valid for (repeatable)',
    parse: listParser(dnsName),
    repeatable: true,
  },
  {
    flag: '--server-args',
    key: 'serverArgs',
    env: 'SEALPEER_SERVER_ARGS',
    arg: "'ARGS'",
    shown: '(none)',
    help: 'more sealpeer-server options, e.g. "--turn-secret S" (see npx sealpeer-server --help)',
    parse: argList,
  },
  {
    flag: '--keyshare-args',
    key: 'keyshareArgs',
    env: 'SEALPEER_KEYSHARE_ARGS',
    arg: "'ARGS'",
    shown: '(none)',
    help: 'more sealpeer-keyshare options (see npx sealpeer-keyshare --help)',
    parse: argList,
  },
];

export const CONFIG_FILE = 'sealpeer.config.json';

export function defaults(): StartOptions {
  return {
    host: '127.0.0.1',
    port: 8080,
    keysharePort: 8090,
    adminPort: 9090,
    publicUrl: undefined,
    dataDir: './data',
    logLevel: 'info',
    lan: false,
    lanNames: [],
    serverArgs: [],
    keyshareArgs: [],
  };
}

export type Parsed = { help: true } | { help: false; options: StartOptions; configFile: string | undefined };

/** Reads argv (after `npm start --`), the environment and the config file (--config FILE, else
 *  ./sealpeer.config.json when present) into one StartOptions. */
export function parseStartArgs(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Parsed {
  const byFlag = new Map(START_OPTIONS.map((s) => [s.flag, s]));
  const fromFlags = new Map<Spec, unknown>();
  let configPath: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') return { help: true };
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    if (flag === '--config') {
      configPath = inline ?? argv[++i];
      if (configPath === undefined) throw new StartUsageError('--config needs a file name');
      continue;
    }
    const spec = byFlag.get(flag);
    if (!spec) throw new StartUsageError(`unknown option '${a}' (see npm start -- --help)`);
    if (spec.boolean) {
      fromFlags.set(spec, spec.parse(inline ?? 'true', flag));
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new StartUsageError(`${flag} needs a value (${spec.arg})`);
    const value = spec.parse(raw, flag);
    const prev = fromFlags.get(spec);
    fromFlags.set(spec, spec.repeatable && Array.isArray(prev) ? [...prev, ...(value as unknown[])] : value);
  }
  const file = configPath ? resolve(cwd, configPath) : resolve(cwd, CONFIG_FILE);
  const fromFile = readConfigFile(file, configPath !== undefined);
  const options = defaults();
  const set = options as unknown as Record<Key, unknown>;
  for (const spec of START_OPTIONS) {
    if (fromFlags.has(spec)) set[spec.key] = fromFlags.get(spec);
    else if (env[spec.env] !== undefined && env[spec.env] !== '')
      set[spec.key] = spec.parse(env[spec.env], spec.env);
    else if (fromFile && spec.key in fromFile.values)
      set[spec.key] = spec.parse(fromFile.values[spec.key], `${fromFile.name}: "${spec.key}"`);
  }
  const hostGiven = fromFlags.has(START_OPTIONS[0]!) || env.SEALPEER_HOST || fromFile?.values.host;
  if (options.lan && !hostGiven) options.host = '0.0.0.0';
  if (!isAbsolute(options.dataDir)) options.dataDir = resolve(cwd, options.dataDir);
  return { help: false, options, configFile: fromFile ? file : undefined };
}

function readConfigFile(
  file: string,
  required: boolean,
): { name: string; values: Record<string, unknown> } | undefined {
  if (!existsSync(file)) {
    if (required) throw new StartUsageError(`--config: ${file} does not exist`);
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new StartUsageError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new StartUsageError(`${file} must hold one JSON object, like {"port": 8080}`);
  const known = new Set<string>(START_OPTIONS.map((s) => s.key));
  for (const k of Object.keys(json)) {
    if (k === '$comment') continue;
    if (!known.has(k))
      throw new StartUsageError(`${file}: unknown key "${k}" (known: ${[...known].join(', ')})`);
  }
  return { name: file, values: json as Record<string, unknown> };
}

export function startHelp(): string {
  const rows = START_OPTIONS.map((s) => {
    const left = `  ${s.flag}${s.arg ? ` ${s.arg}` : ''}`;
    return `${left.padEnd(28)} ${s.help}\n${''.padEnd(29)}(default ${s.shown}; env ${s.env}; config "${s.key}")`;
  });
  return [
    'Usage: npm start -- [options]',
    '',
    'Runs the sealpeer relay server (which serves the app) and the keyshare side by side, and prints',
    'the address to open. Options come from flags, then environment variables, then sealpeer.config.json',
    '(in the current folder, or --config FILE), e.g. {"host": "0.0.0.0", "port": 8080, "lan": true}.',
    'Other SEALPEER_* / SEALPEER_KEYSHARE_* variables reach the services as they are.',
    '',
    'Options:',
    ...rows,
    `  ${'--config FILE'.padEnd(26)} read options from this JSON file (default ./${CONFIG_FILE} if present)`,
    `  ${'--help'.padEnd(26)} show this help`,
    '',
    'Examples:',
    '  npm start                                   # http://127.0.0.1:8080 on this computer only',
    '  npm start -- --lan                          # phones on this Wi-Fi: HTTPS + QR code',
    '  npm start -- --port 8180 --keyshare-port 8190 --data-dir /tmp/sealpeer',
    '',
  ].join('\n');
}
