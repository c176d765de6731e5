// `npm start`: resolves the options (scripts/start/options.ts), routes each to the service it belongs
// to, runs sealpeer-server (which serves the app) and sealpeer-keyshare side by side, prints where to
// open the app once both listen, and forwards SIGINT/SIGTERM so both shut down cleanly.
// Exit: 0 after a clean stop, 1 when a service fails, 2 on bad usage.
import { type ChildProcess, spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort, hostInUrl, isLoopback, reach } from './addresses.ts';
import { banner } from './banner.ts';
import { writeDevKeyshareList } from './dev-keyshares.ts';
import { ensureLocalTls, type LocalTls } from './local-ca.ts';
import { parseStartArgs, StartUsageError, startHelp } from './options.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

interface Listening {
  url: string;
  adminUrl?: string;
  verifierKey?: string;
}

interface Service {
  name: 'server' | 'keyshare';
  child: ChildProcess;
  listening: Promise<Listening>;
}

function run(name: Service['name'], bin: string, args: string[]): Service {
  const child = spawn(process.execPath, [bin, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
  });
  const listening = new Promise<Listening>((resolve, reject) => {
    // Log lines go on to our stdout as they are; the first "listening" line says where the service is.
    createInterface({ input: child.stdout! }).on('line', (line) => {
      process.stdout.write(`${line}\n`);
      if (!line.includes('"msg":"listening"')) return;
      try {
        const o = JSON.parse(line) as Record<string, unknown>;
        if (typeof o.url === 'string')
          resolve({
            url: o.url,
            adminUrl: typeof o.adminUrl === 'string' ? o.adminUrl : undefined,
            verifierKey: typeof o.verifierKey === 'string' ? o.verifierKey : undefined,
          });
      } catch {
        // not one of ours
      }
    });
    child.once('exit', (code, signal) => reject(new Error(`${name} exited (${signal ?? code})`)));
  });
  listening.catch(() => undefined);
  return { name, child, listening };
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseStartArgs>;
  try {
    parsed = parseStartArgs(argv, process.env, process.cwd());
  } catch (e) {
    if (!(e instanceof StartUsageError)) throw e;
    process.stderr.write(`sealpeer start: ${e.message}\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(startHelp());
    return 0;
  }
  const o = parsed.options;

  // Both services must know each other's address before they start (CORS, CSP, the app's keyshare).
  const port = o.port === 0 ? await freePort(o.host) : o.port;
  const keysharePort = o.keysharePort === 0 ? await freePort(o.host) : o.keysharePort;
  const publicHost = o.publicUrl ? new URL(o.publicUrl).hostname.replace(/^\[|\]$/g, '') : undefined;
  const where = reach(o.host, o.lan, o.lanNames, publicHost);
  let tls: LocalTls | undefined;
  if (o.lan) {
    const caName = `CN=sealpeer local CA (${hostname()}), O=sealpeer npm start --lan`;
    tls = await ensureLocalTls(join(o.dataDir, 'tls'), { dnsNames: where.dnsNames, ips: where.ips }, caName);
  }
  const scheme = tls ? 'https' : 'http';
  const origin = (host: string, p: number): string => `${scheme}://${hostInUrl(host)}:${p}`;
  const allHosts = [...new Set([...where.hosts, ...where.ips, ...where.dnsNames])];
  const appOrigins = [
    ...new Set([...(o.publicUrl ? [o.publicUrl] : []), ...allHosts.map((h) => origin(h, port))]),
  ];
  const keyshareUrl = origin(where.hosts[0]!, keysharePort);
  const tlsArgs = tls ? ['--tls-cert', tls.certFile, '--tls-key', tls.keyFile] : [];

  // The app offers this keyshare with its key built in (scripts/start/dev-keyshares.ts), unless the
  // user builds with a list of their own (SEALPEER_TRUSTED_KEYSHARES set).
  if (process.env.SEALPEER_TRUSTED_KEYSHARES === undefined) {
    const dev = writeDevKeyshareList(o.dataDir, join(o.dataDir, 'keyshare'), keyshareUrl, o.keyshareArgs);
    process.env.SEALPEER_TRUSTED_KEYSHARES = dev.file;
  }
  // The server serves the browser app from packages/app/dist: build it when missing or stale, or when
  // it does not embed the keyshare list above (SEALPEER_SKIP_APP_BUILD=1 skips this, e.g. for tests
  // that only need the services to start).
  if (process.env.SEALPEER_SKIP_APP_BUILD !== '1')
    // @ts-expect-error plain JS module without types
    (await import('../../packages/app/scripts/ensure-built.mjs')).ensureBuilt();

  const keyshare = run('keyshare', join(root, 'packages/keyshare/bin/sealpeer-keyshare.js'), [
    ...['--host', o.host, '--port', String(keysharePort), '--data-dir', join(o.dataDir, 'keyshare')],
    ...['--log-level', o.logLevel, '--allowed-origins', appOrigins.join(','), ...tlsArgs],
    ...o.keyshareArgs,
  ]);
  const server = run('server', join(root, 'packages/server/bin/sealpeer-server.js'), [
    ...['--host', o.host, '--port', String(port), '--admin-port', String(o.adminPort)],
    ...['--data-dir', join(o.dataDir, 'server'), '--log-level', o.logLevel],
    ...['--keyshare-url', keyshareUrl, '--allowed-origins', appOrigins.join(',')],
    ...(o.publicUrl ? ['--public-url', o.publicUrl] : []),
    ...tlsArgs,
    ...o.serverArgs,
  ]);
  const services = [server, keyshare];

  let stopping = false;
  const done = new Promise<number>((resolve) => {
    const stop = (code: number): void => {
      if (stopping) return;
      stopping = true;
      for (const s of services)
        if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
      Promise.all(
        services.map((s) =>
          s.child.exitCode === null && s.child.signalCode === null
            ? new Promise((r) => s.child.once('exit', r))
            : null,
        ),
      ).then(() => resolve(code));
    };
    for (const s of services)
      s.child.once('exit', (code, signal) => {
        if (stopping) return;
        process.stderr.write(`sealpeer start: ${s.name} exited (${signal ?? code}); stopping the other\n`);
        stop(code || 1);
      });
    process.once('SIGINT', () => stop(0));
    process.once('SIGTERM', () => stop(0));
  });

  Promise.all([server.listening, keyshare.listening]).then(
    async ([s, k]) => {
      const appUrls = [
        ...new Set([...(o.publicUrl ? [o.publicUrl] : []), ...where.hosts.map((h) => origin(h, port))]),
      ];
      const text = await banner({
        appUrls: appUrls.map((u) => `${u}/`),
        localOnly: (u) => isLoopback(new URL(u).hostname.replace(/^\[|\]$/g, '')),
        keyshareUrl,
        verifierKey: k.verifierKey ?? '(see the keyshare log line above)',
        dataDir: o.dataDir,
        adminUrl: s.adminUrl,
        tls,
        plainHttpOnLan: !tls && !isLoopback(o.host),
        cwd: process.cwd(),
      });
      if (!stopping) process.stderr.write(text);
    },
    () => undefined,
  );
  return done;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`sealpeer start: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
