// A real sealpeer server on a free port with a temp data dir, serving a built app, behind the recording
// (optionally tampering) relay proxy the pages talk through.
import { mkdtempSync, rmSync } from 'node:fs';
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
  opts: { tamper?: Tamper; keyshare?: boolean; keyshareUrls?: string[] } = {},
): Promise<TestStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sealpeer-app-e2e-'));
  // The proxy must exist first: the server allows its origin for WebSocket upgrades.
  let upstream = '';
  const proxy = await startRelayProxy(() => upstream, opts.tamper);
  const keyshare = opts.keyshare
    ? await startKeyshare({
        dataDir: join(dataDir, 'keyshare'),
        host: '127.0.0.1',
        port: 0,
        allowedOrigins: [proxy.url],
        logLevel: 'warn',
      })
    : undefined;
  const serverAt = (port: number) =>
    startServer({
      host: '127.0.0.1',
      port,
      adminPort: -1,
      dataDir,
      appDir,
      allowedOrigins: [proxy.url],
      // A started keyshare first; `keyshareUrls` adds others (listed in /api/config and the CSP).
      keyshareUrls: [...(keyshare ? [keyshare.url] : []), ...(opts.keyshareUrls ?? [])],
      logLevel: 'warn',
      logStream: new Writable({ write: (_c, _e, cb) => cb() }),
    });
  let running: RunningServer | undefined = await serverAt(0);
  upstream = running.url;
  const port = Number(new URL(upstream).port);
  const stack: TestStack = {
    server: running,
    keyshare,
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
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}
