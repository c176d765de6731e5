// The IndexedDB backends in real Chromium (playwright-core + /usr/bin/chromium): the browser entry
// fixtures/idb-entry.ts is bundled with esbuild and served from a local HTTP server on a free port
// (IndexedDB needs a real origin). Persistence is checked across two page loads.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
let server: Server;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [join(here, 'fixtures', 'idb-entry.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'error',
  });
  const js = bundle.outputFiles[0]!.contents;
  server = createServer((req, res) => {
    if (req.url === '/bundle.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    } else {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><script type="module" src="/bundle.js"></script>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

type Api = Record<
  'firstVisit' | 'secondVisit' | 'tampered',
  (db: string) => Promise<Record<string, unknown>>
>;

async function call(page: import('playwright-core').Page, fn: keyof Api, db: string) {
  await page.waitForFunction(() => 'sealpeerIdb' in globalThis);
  return page.evaluate(
    ([f, d]) => (globalThis as unknown as { sealpeerIdb: Api }).sealpeerIdb[f as keyof Api](d as string),
    [fn, db],
  );
}

describe('IndexedDB identity and trust storage in Chromium', () => {
  it('generates the identity once and keeps it and the trust state across page loads', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(origin);
    const first = await call(page, 'firstVisit', 'sealpeer-test-1');
    expect(first.hadIdentity).toBe(false);
    expect(first.publicKey).toMatch(/^01[0-9a-f]{128}$/);
    expect(first.first).toBe(true);
    expect(first.changed).toBe('key-changed');
    expect(first.events).toEqual(['bob']);
    expect(first.blocked).toBe('key_changed');
    expect(first.list).toEqual(['bob']);
    await page.close();
    const page2 = await context.newPage();
    await page2.goto(origin);
    const second = await call(page2, 'secondVisit', 'sealpeer-test-1');
    expect(second.publicKey).toBe(first.publicKey);
    expect(second.state).toBe('key-changed');
    await context.close();
  });

  it('refuses tampered IndexedDB records with typed errors', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(origin);
    const r = await call(page, 'tampered', 'sealpeer-test-2');
    expect(r).toEqual({ identity: 'bad_format', bob: 'corrupt_record', carol: 'corrupt_record' });
    await context.close();
  });
});
