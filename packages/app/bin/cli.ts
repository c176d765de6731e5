// Command line of `sealpeer-app` (flags, env vars, JSON log lines, graceful SIGTERM).
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startAppServer } from './serve.ts';

const HELP = `Usage: sealpeer-app [--port N] [--host H] [--dir DIR] [--relay URL] [--keyshare URL ...]

Serves the built sealpeer browser app with its security headers, so the JavaScript you run does not
have to come from the relay host.

  --port N        port (env SEALPEER_APP_PORT, default 8081; 0 = any free port)
  --host H        address to listen on (env SEALPEER_APP_HOST, default 127.0.0.1)
  --dir DIR       built app directory (env SEALPEER_APP_DIR, default: this package's dist/)
  --relay URL     the relay server the app talks to (env SEALPEER_RELAY); served as config.json and
                  allowed in the CSP connect-src. Start the relay with --allowed-origins set to this
                  app's origin.
  --keyshare URL  a keyshare the app may contact (repeatable; allowed in connect-src)
`;

function log(level: 'info' | 'warn', msg: string, fields: Record<string, unknown> = {}): void {
  const line = { level: level === 'info' ? 30 : 40, time: Date.now(), name: 'sealpeer-app', msg, ...fields };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

export async function run(argv: string[]): Promise<number> {
  let v: { port?: string; host?: string; dir?: string; relay?: string; keyshare?: string[]; help?: boolean };
  try {
    v = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        dir: { type: 'string' },
        relay: { type: 'string' },
        keyshare: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    process.stderr.write(`sealpeer-app: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (v.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const env = process.env;
  const port = Number(v.port ?? env.SEALPEER_APP_PORT ?? 8081);
  const relay = v.relay ?? env.SEALPEER_RELAY;
  const keyshares = v.keyshare ?? [];
  const bad = (msg: string): number => {
    process.stderr.write(`sealpeer-app: ${msg}\n\n${HELP}`);
    return 2;
  };
  if (!Number.isInteger(port) || port < 0 || port > 65535) return bad('--port must be 0-65535');
  for (const u of [relay, ...keyshares])
    if (u !== undefined && !/^https?:\/\/[^/]/.test(u)) return bad(`not an http(s) URL: ${u}`);
  const dir = v.dir ?? env.SEALPEER_APP_DIR ?? fileURLToPath(new URL('../dist', import.meta.url));
  let started: Awaited<ReturnType<typeof startAppServer>>;
  try {
    started = await startAppServer({
      dir,
      host: v.host ?? env.SEALPEER_APP_HOST ?? '127.0.0.1',
      port,
      keyshares,
      log,
      ...(relay ? { relay } : {}),
    });
  } catch (err) {
    process.stderr.write(`sealpeer-app: ${(err as Error).message}\n`);
    return 1;
  }
  log('info', 'listening', { url: started.url, dir, relay: relay ?? 'same origin' });
  await new Promise<void>((done) => {
    const stop = (signal: string): void => {
      log('info', 'shutting down', { signal });
      started.server.close(() => done());
      started.server.closeAllConnections();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}
