// A real sealpeer server on a free port with a temp data dir, serving a built app, behind the recording
// (optionally tampering) relay proxy the pages talk through.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type RunningKeyshare, startKeyshare } from '@sealpeer/keyshare';
import { type RunningServer, startServer } from '@sealpeer/server';
import { type RelayProxy, startRelayProxy, type Tamper } from './relay-proxy.ts';

export interface TestStack {
  /** The running server (replaced by `restartServer`). */
  server: RunningServer;
  /** A keyshare next to the relay (listed in /api/config), when asked for. */
  keyshare: RunningKeyshare | undefined;
  /**
   * With `keyshareFork`: a second keyshare run with a copy of the first one's log key (same verifier key,
   * same origin: a forked log, as a lying operator would run), also listed, so pages may reach it.
   */
  keyshareFork: RunningKeyshare | undefined;
  proxy: RelayProxy;
  /** Origin the pages open (the proxy). */
  url: string;
  /** The temp dir holding the server's data (and the keyshare's, under keyshare/). */
  dataDir: string;
  /** Stops the relay server (the proxy stays; its sockets to the pages end with the server's). */
  stopServer(): Promise<void>;
  /** Starts the server again on the same port with the same data dir (its SQLite credentials). */
  restartServer(): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(
  appDir: string,
  opts: {
    tamper?: Tamper;
    keyshare?: boolean;
    keyshareFork?: boolean;
    keyshareUrls?: string[];
    /** coturn's shared secret and URLs: the server then issues TURN credentials (GET /api/turn). */
    turn?: { secret: string; urls: string[] };
    /** The keyshare's port (default: any free one) and log signer key (default: made at its start). */
    keysharePort?: number;
    keyshareLogKey?: string;
  } = {},
): Promise<TestStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sealpeer-app-e2e-'));
  // The proxy must exist first: the server allows its origin for WebSocket upgrades.
  let upstream = '';
  const proxy = await startRelayProxy(() => upstream, opts.tamper);
  if (opts.keyshareLogKey) {
    mkdirSync(join(dataDir, 'keyshare'), { recursive: true, mode: 0o700 });
    writeFileSync(join(dataDir, 'keyshare', 'log-key'), `${opts.keyshareLogKey}\n`, { mode: 0o600 });
  }
  const keyshareAt = (dir: string, port = 0) =>
    startKeyshare({
      dataDir: dir,
      host: '127.0.0.1',
      port,
      allowedOrigins: [proxy.url],
      logLevel: 'warn',
    });
  const keyshare =
    opts.keyshare || opts.keyshareFork
      ? await keyshareAt(join(dataDir, 'keyshare'), opts.keysharePort)
      : undefined;
  let keyshareFork: RunningKeyshare | undefined;
  if (opts.keyshareFork) {
    mkdirSync(join(dataDir, 'keyshare-fork'));
    copyFileSync(join(dataDir, 'keyshare', 'log-key'), join(dataDir, 'keyshare-fork', 'log-key'));
    keyshareFork = await keyshareAt(join(dataDir, 'keyshare-fork'));
  }
  const serverAt = (port: number) =>
    startServer({
      host: '127.0.0.1',
      port,
      adminPort: -1,
      dataDir,
      appDir,
      allowedOrigins: [proxy.url],
      // Started keyshares first (the real one, then its fork); `keyshareUrls` adds others (listed in
      // /api/config and the CSP).
      keyshareUrls: [
        ...[keyshare, keyshareFork].flatMap((k) => (k ? [k.url] : [])),
        ...(opts.keyshareUrls ?? []),
      ],
      logLevel: 'warn',
      logStream: new Writable({ write: (_c, _e, cb) => cb() }),
      ...(opts.turn ? { turnSecret: opts.turn.secret, turnUrls: opts.turn.urls } : {}),
    });
  let running: RunningServer | undefined = await serverAt(0);
  upstream = running.url;
  const port = Number(new URL(upstream).port);
  const stack: TestStack = {
    server: running,
    keyshare,
    keyshareFork,
    proxy,
    url: proxy.url,
    dataDir,
    async stopServer() {
      await running?.close();
      running = undefined;
    },
    async restartServer() {
      running = await serverAt(port);
      stack.server = running;
    },
    async close() {
      await proxy.close();
      await running?.close();
      await keyshare?.close();
      await keyshareFork?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}
