// A real @sealpeer/server on a free port with a temp data dir and silent logs, for client tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startServer } from '@sealpeer/server';
import { afterAll, beforeAll } from 'vitest';

export interface LocalServer {
  url: string;
  stop(): Promise<void>;
}

function serverOptions(dataDir: string, port: number) {
  return {
    port,
    adminPort: -1,
    dataDir,
    appDir: join(dataDir, 'no-app'),
    logLevel: 'warn',
    logStream: new Writable({ write: (_c, _e, cb) => cb() }),
    limits: {
      credentialsPerMinute: 10_000,
      channelsPerMinute: 10_000,
      messageRate: 1000,
      messageBurst: 2000,
    },
  };
}

export async function startLocalServer(): Promise<LocalServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sealpeer-client-test-'));
  const server = await startServer(serverOptions(dataDir, 0));
  return {
    url: server.url,
    async stop() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface RestartableServer extends LocalServer {
  /** Stops the server, keeping its data dir (SQLite credentials) and port. */
  halt(): Promise<void>;
  /** Starts it again on the same port and data dir. */
  restart(): Promise<void>;
}

/** A real server that a test can stop and start again on the same port with the same data dir. */
export async function startRestartableServer(): Promise<RestartableServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sealpeer-client-restart-'));
  let server: Awaited<ReturnType<typeof startServer>> | undefined = await startServer(
    serverOptions(dataDir, 0),
  );
  const url = server.url;
  const port = Number(new URL(url).port);
  return {
    url,
    async halt() {
      await server?.close();
      server = undefined;
    },
    async restart() {
      server = await startServer(serverOptions(dataDir, port));
      if (server.url !== url) throw new Error(`restarted on ${server.url}, not ${url}`);
    },
    async stop() {
      await server?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One real server for the whole test file: started before, stopped after. */
export function useLocalServer(): { readonly url: string } {
  let server: LocalServer | undefined;
  beforeAll(async () => {
    server = await startLocalServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get url() {
      if (!server) throw new Error('server not started');
      return server.url;
    },
  };
}
