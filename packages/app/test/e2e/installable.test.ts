// "Add to Home Screen": the page links a web app manifest whose icons exist at the sizes it claims, and
// Chromium finds the app installable (standalone). At phone width nothing overflows sideways. Offline,
// a pinned (service-worker) app shows a clear "No connection" screen instead of a blank page or a raw
// error, and starts by itself when the network is back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigner } from '@sealpeer/client/release';
import type { Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSignedRelease } from '../integrity/support/release.ts';
import { E2E_TEST_MS, launchChromium, launchChromiumProfile, openPage } from '../support/chromium.ts';
import { tid } from '../support/flows.ts';
import { startStack, type TestStack } from '../support/server.ts';

interface WebManifest {
  name: string;
  display: string;
  start_url: string;
  scope: string;
  icons: Array<{ src: string; sizes: string; type: string; purpose?: string }>;
}

const tmp = mkdtempSync(join(tmpdir(), 'sealpeer-installable-'));
let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  const release = await buildSignedRelease(join(tmp, 'build'), generateSigner('install.test/app'));
  stack = await startStack(release.dir);
  browser = await launchChromium();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('installable app', { timeout: E2E_TEST_MS }, () => {
  it('serves a manifest whose icons are real PNGs of the stated sizes, maskable included', async () => {
    const res = await fetch(`${stack.url}/app.webmanifest`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const m = (await res.json()) as WebManifest;
    expect(m).toMatchObject({ name: 'sealpeer', display: 'standalone', start_url: '/', scope: '/' });
    const sizes = new Set<string>();
    for (const icon of m.icons) {
      const png = PNG.sync.read(Buffer.from(await (await fetch(`${stack.url}${icon.src}`)).arrayBuffer()));
      expect(`${png.width}x${png.height}`).toBe(icon.sizes);
      sizes.add(`${icon.sizes} ${icon.purpose ?? 'any'}`);
    }
    expect([...sizes].sort()).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
  });

  it('Chromium (a normal, non-incognito profile): manifest parsed without errors, installable', async () => {
    const profile = await launchChromiumProfile(join(tmp, 'profile'));
    try {
      const page = await profile.newPage();
      await page.goto(stack.url);
      await page.locator(tid('screen-home')).waitFor();
      const cdp = await profile.newCDPSession(page);
      const manifest = (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[] };
      expect(manifest.url).toBe(`${stack.url}/app.webmanifest`);
      expect(manifest.errors).toEqual([]);
      const inst = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: unknown[] };
      expect(inst.installabilityErrors).toEqual([]);
    } finally {
      await profile.close();
    }
  });

  it('phone width: no screen overflows sideways; not one console error (no 404 for config.json either)', async () => {
    const { page, problems, context } = await openPage(browser, { width: 360, height: 740 });
    // openPage's collector skips "Failed to load resource" lines; a normal load must have none at all.
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(stack.url);
    await page.locator(tid('screen-home')).waitFor();
    for (const route of ['', '#/scan', '#/device', '#/contacts']) {
      await page.goto(`${stack.url}/${route}`);
      await page.locator(tid('main')).waitFor();
      const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
      expect(scroll, route).toBeLessThanOrEqual(inner!);
    }
    expect(problems).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('offline: "No connection" screen and banner, not a blank page; back online it starts by itself', async () => {
    const { page, context } = await openPage(browser, { width: 360, height: 740 });
    await page.goto(stack.url);
    await page.locator('[data-testid="app-integrity"][data-state="pinned"]').waitFor({ timeout: 60_000 });
    await context.setOffline(true);
    await page.reload();
    const screen = page.locator(tid('no-connection'));
    await screen.waitFor();
    expect(await screen.textContent()).toMatch(/No connection.*offline/);
    await page.locator(tid('offline-banner')).waitFor({ state: 'visible' });
    await context.setOffline(false);
    await page.locator(tid('screen-home')).waitFor();
    expect(await page.locator(tid('offline-banner')).isVisible()).toBe(false);
    await context.close();
  });
});
