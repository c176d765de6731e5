// The app served from a second origin (sealpeer-app on another port) pairs two windows through the relay
// on the first: the relay serves no JavaScript to these pages, only its API (CORS for --allowed-origins)
// and the WebSocket relay; the app finds it through config.json.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type RunningServer, startServer } from '@sealpeer/server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer } from '../../bin/serve.ts';
import { buildAppOnce } from '../support/build.ts';
import { launchChromium, openPage, type TestPage } from '../support/chromium.ts';
import { chat, createChannel, dataChannelOpen, readInviteQr, safetyNumber } from '../support/flows.ts';

const tmp = mkdtempSync(join(tmpdir(), 'sealpeer-second-origin-'));
let relay: RunningServer;
let appServer: Server;
let appOrigin: string;
let browser: Browser;
let a: TestPage;
let b: TestPage;

/** A port the OS reports free (the relay must know the app's origin before the app server starts). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

beforeAll(async () => {
  const appDir = await buildAppOnce();
  const port = await freePort();
  appOrigin = `http://127.0.0.1:${port}`;
  relay = await startServer({
    host: '127.0.0.1',
    port: 0,
    adminPort: -1,
    dataDir: join(tmp, 'data'),
    appDir,
    allowedOrigins: [appOrigin],
    logLevel: 'warn',
    logStream: new Writable({ write: (_c, _e, cb) => cb() }),
  });
  ({ server: appServer } = await startAppServer({
    dir: appDir,
    host: '127.0.0.1',
    port,
    relay: relay.url,
    keyshares: [],
    log: () => {},
  }));
  browser = await launchChromium();
  a = await openPage(browser);
  b = await openPage(browser);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (appServer ? appServer.close(r) : r(undefined)));
  await relay?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('app on a second origin', { timeout: 180_000 }, () => {
  it('pairs two windows through the relay on the first origin and chats', async () => {
    expect(new URL(relay.url).origin).not.toBe(appOrigin);
    await createChannel(a.page, appOrigin);
    const uri = await readInviteQr(a.page);
    expect(uri.startsWith(`${appOrigin}/p#`)).toBe(true);
    await b.page.goto(uri);
    const [na, nb] = await Promise.all([safetyNumber(a.page), safetyNumber(b.page)]);
    expect(na).toMatch(/^\d{60}$/);
    expect(nb).toBe(na);
    await Promise.all([dataChannelOpen(a.page), dataChannelOpen(b.page)]);
    await chat(a.page, b.page, 'hello across origins');
    await chat(b.page, a.page, 'hi back');
    for (const p of [a, b]) {
      expect(new URL(p.page.url()).origin).toBe(appOrigin);
      expect(p.problems.filter((x) => x.includes('Content Security Policy'))).toEqual([]);
    }
  });

  it('the relay grants its API only to the allowed app origin', async () => {
    const api = `${relay.url}/api/config`;
    const ok = await fetch(api, { headers: { origin: appOrigin } });
    expect(ok.headers.get('access-control-allow-origin')).toBe(appOrigin);
    const other = await fetch(api, { headers: { origin: 'http://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await fetch(`${relay.url}/api/channels`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(403);
  });
});
