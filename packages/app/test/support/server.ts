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
  server: RunningServer;
  /** A keyshare next to the relay (listed in /api/config), when asked for. */
  keyshare: RunningKeyshare | undefined;
  proxy: RelayProxy;
  /** Origin the pages open (the proxy). */
  url: string;
  /** The temp dir holding the server's data (and the keyshare's, under keyshare/). */
  dataDir: string;
  close(): Promise<void>;
}

export async function startStack(
  appDir: string,
  opts: { tamper?: Tamper; keyshare?: boolean } = {},
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
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    adminPort: -1,
    dataDir,
    appDir,
    allowedOrigins: [proxy.url],
    keyshareUrls: keyshare ? [keyshare.url] : [],
    logLevel: 'warn',
    logStream: new Writable({ write: (_c, _e, cb) => cb() }),
  });
  upstream = server.url;
  return {
    server,
    keyshare,
    proxy,
    url: proxy.url,
    dataDir,
    async close() {
      await proxy.close();
      await server.close();
      await keyshare?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
