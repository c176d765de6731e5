// A real sealpeer server on a free port with a temp data dir, serving a built app, behind the recording
// (optionally tampering) relay proxy the pages talk through.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type RunningServer, startServer } from '@sealpeer/server';
import { type RelayProxy, startRelayProxy, type Tamper } from './relay-proxy.ts';

export interface TestStack {
  server: RunningServer;
  proxy: RelayProxy;
  /** Origin the pages open (the proxy). */
  url: string;
  close(): Promise<void>;
}

export async function startStack(appDir: string, tamper?: Tamper): Promise<TestStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sealpeer-app-e2e-'));
  // The proxy must exist first: the server allows its origin for WebSocket upgrades.
  let upstream = '';
  const proxy = await startRelayProxy(() => upstream, tamper);
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    adminPort: -1,
    dataDir,
    appDir,
    allowedOrigins: [proxy.url],
    logLevel: 'warn',
    logStream: new Writable({ write: (_c, _e, cb) => cb() }),
  });
  upstream = server.url;
  return {
    server,
    proxy,
    url: proxy.url,
    async close() {
      await proxy.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
