// App pinning has no side door (issue 14, item 10), in a real Chromium with a signed release: once the
// service worker is installed, the hostile host gets none of its own code run in the app's origin —
// not through a page the manifest does not list, not through an unlisted script or stylesheet, and not
// by having a page write another release key (or a whole release) into the storage the worker reads.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatStatement,
  formatVerifierKey,
  generateSigner,
  keyLabel,
  MANIFEST_FILE,
  parseManifest,
  RELEASE_NOTE_FILE,
  serializeManifest,
  sha256Hex,
  signNote,
} from '@sealpeer/client/release';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchProfile, openPinnedSite, type PinnedSite, type Profile } from './support/browser.ts';
import { buildSignedRelease, publish, type TestRelease, tamperMainScript } from './support/release.ts';

const tmp = mkdtempSync(join(tmpdir(), 'sealpeer-side-door-'));
const signer = generateSigner('door.test/app');
const impostor = generateSigner('door.test/app'); // same name, another key
const key = keyLabel(signer);
const serveDir = join(tmp, 'serve');
const impostorDir = join(tmp, 'impostor');
let v1: TestRelease;
let impostorSha = '';
let impostorFiles: Record<string, string> = {};
let site: PinnedSite;
let url: string;
let profile: Profile;
let page: Page;

const panel = '[data-testid="app-integrity"]';
const EVIL_PAGE = `<!doctype html><html><head><title>evil</title></head><body><p id="evil-page">attacker page</p><script src="/evil.js"></script></body></html>\n`;

/** The hostile host's extra files: pages and code no release lists. */
function addHostileFiles(dir: string): void {
  writeFileSync(join(dir, 'anything.html'), EVIL_PAGE);
  mkdirSync(join(dir, 'api'), { recursive: true });
  writeFileSync(join(dir, 'api', 'evil.html'), EVIL_PAGE);
  writeFileSync(join(dir, 'evil.js'), 'document.documentElement.dataset.evil = "ran";\n');
  writeFileSync(join(dir, 'evil.css'), 'html { outline: 7px solid red; }\n');
}

/** A newer "release" of the hostile host: v1 with a script that marks the page, signed by `impostor`. */
function buildImpostorRelease(): void {
  cpSync(v1.dir, impostorDir, { recursive: true });
  const { file } = tamperMainScript(impostorDir);
  const m = parseManifest(readFileSync(join(impostorDir, MANIFEST_FILE)));
  const files: Record<string, string> = { ...m.files };
  for (const f of [file, 'index.html']) files[f] = sha256Hex(readFileSync(join(impostorDir, f)));
  const manifest = serializeManifest({ format: m.format, version: '99.0.0', files });
  writeFileSync(join(impostorDir, MANIFEST_FILE), manifest);
  impostorSha = sha256Hex(manifest);
  impostorFiles = files;
  const note = signNote(formatStatement({ version: '99.0.0', manifestSha256: impostorSha }), impostor);
  writeFileSync(join(impostorDir, RELEASE_NOTE_FILE), note);
}

async function visit(path: string, state: string): Promise<void> {
  await page.goto(new URL(path, url).href);
  await page.locator(`${panel}[data-state="${state}"]`).waitFor({ timeout: 60_000 });
}

const evilRan = (p: Page): Promise<string | undefined> =>
  p.evaluate(() => document.documentElement.dataset.evil);

/** Stops the service worker, so the next request starts it afresh and it reads its storage again. */
async function restartWorker(): Promise<void> {
  const cdp = await profile.context.newCDPSession(page);
  try {
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
  } finally {
    await cdp.detach();
  }
}

/** Runs in the page: what a script running in the app's origin can do to the Cache API. */
async function pageWritesCaches(
  entries: { cache: string; path: string; body: string; type: string }[],
): Promise<void> {
  await page.evaluate(async (list) => {
    for (const e of list)
      await (await caches.open(e.cache)).put(
        new URL(e.path, location.origin).href,
        new Response(e.body, { headers: { 'content-type': e.type } }),
      );
  }, entries);
}

const typeOf = (f: string): string =>
  f.endsWith('.html')
    ? 'text/html'
    : f.endsWith('.js')
      ? 'text/javascript'
      : f.endsWith('.css')
        ? 'text/css'
        : 'text/plain';

beforeAll(async () => {
  v1 = await buildSignedRelease(join(tmp, 'v1'), signer);
  buildImpostorRelease();
  mkdirSync(serveDir);
  publish(v1.dir, serveDir);
  addHostileFiles(serveDir);
  site = await openPinnedSite(serveDir);
  ({ url, profile, page } = site);
}, 240_000);

afterAll(async () => {
  await site?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('app pinning has no side door', { timeout: 120_000 }, () => {
  it('(fixture) without the worker, the hostile pages run their script', async () => {
    const bare = await launchProfile('block');
    try {
      const p = bare.context.pages()[0] ?? (await bare.context.newPage());
      for (const path of ['anything.html', 'api/evil.html']) {
        await p.goto(new URL(path, url).href);
        await p.waitForFunction(() => document.documentElement.dataset.evil === 'ran');
        expect(await p.locator('#evil-page').count()).toBe(1);
      }
    } finally {
      await bare.close();
    }
  });

  it('pins the release on first visit', async () => {
    await visit('/', 'pinned');
    expect(await page.locator('[data-testid="app-integrity-version"]').textContent()).toBe(
      `App version ${v1.version} · release key ${key}`,
    );
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  });

  it('a navigation to a page no release lists gets the pinned index.html; its script never runs', async () => {
    for (const path of ['/anything.html', '/api/evil.html', '/nested/dir/x.htm']) {
      const res = await page.goto(new URL(path, url).href);
      expect(res?.fromServiceWorker()).toBe(true);
      expect(await res?.text()).toBe(readFileSync(join(v1.dir, 'index.html'), 'utf8'));
      await page.locator(`${panel}[data-state="pinned"]`).waitFor({ timeout: 60_000 });
      expect(await page.locator('#evil-page').count()).toBe(0);
      expect(await evilRan(page)).toBeUndefined();
    }
  });

  it('a POST navigation from another site (a form posting to /anything.html) gets the pinned index.html too', async () => {
    const other = await profile.context.newPage();
    try {
      await other.setContent(
        `<form method="post" action="${new URL('/anything.html', url).href}"><button>go</button></form>`,
      );
      const [res] = await Promise.all([
        other.waitForResponse((r) => r.url().endsWith('/anything.html')),
        other.locator('button').click(),
      ]);
      expect(res.request().method()).toBe('POST');
      expect(res.fromServiceWorker()).toBe(true);
      await other.locator(`${panel}[data-state="pinned"]`).waitFor({ timeout: 60_000 });
      expect(await evilRan(other)).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('an unlisted script or stylesheet is refused, even from the same origin the CSP allows', async () => {
    await visit('/', 'pinned');
    const load = (tag: 'script' | 'link', src: string): Promise<string> =>
      page.evaluate(
        ([t, s]) =>
          new Promise<string>((resolve) => {
            const el = document.createElement(t);
            if (el instanceof HTMLScriptElement) el.src = s;
            else if (el instanceof HTMLLinkElement) Object.assign(el, { rel: 'stylesheet', href: s });
            el.onload = () => resolve('loaded');
            el.onerror = () => resolve('refused');
            document.head.append(el);
          }),
        [tag, src] as const,
      );
    expect(await load('script', '/evil.js')).toBe('refused');
    expect(await load('link', '/evil.css')).toBe('refused');
    // A string, so that the test runner does not rewrite the dynamic import.
    const imported = await page.evaluate(`import('/evil.js').then(() => 'loaded', () => 'refused')`);
    expect(imported).toBe('refused');
    // Read as data, it is refused too (an .html/.js/.css the release does not list is never handed out).
    expect(await page.evaluate(() => fetch('/evil.js').then((r) => r.status))).toBe(403);
    expect(await evilRan(page)).toBeUndefined();
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).outlineWidth === '7px')).toBe(
      false,
    );
  });

  it('a page writing another release key into the storage the worker used does not change which key verifies', async () => {
    publish(impostorDir, serveDir);
    addHostileFiles(serveDir);
    // The pin record an earlier worker kept in the Cache API, re-written by a script in the origin to
    // name the impostor's key (every other field as pinned).
    const v1Manifest = readFileSync(join(v1.dir, MANIFEST_FILE));
    const v1Sha = sha256Hex(v1Manifest);
    const record = {
      version: v1.version,
      manifestSha256: v1Sha,
      vkey: formatVerifierKey(impostor),
      key: keyLabel(impostor),
      files: parseManifest(v1Manifest).files,
      cacheName: `sealpeer-release-${v1Sha}`,
    };
    await pageWritesCaches([
      {
        cache: 'sealpeer-pin-state',
        path: '/__sealpeer/pinned.json',
        body: JSON.stringify(record),
        type: 'application/json',
      },
    ]);
    await restartWorker();
    await page.goto(url);
    // Taking the impostor's release would say 'updated'; the compiled-in key refuses it: 'warning'.
    const settled = page.locator(`${panel}:is([data-state="warning"], [data-state="updated"])`);
    await settled.waitFor({ timeout: 60_000 });
    expect(await settled.getAttribute('data-state')).toBe('warning');
    const warning = (await page.locator('[data-testid="app-integrity-warning"]').textContent()) ?? '';
    expect(warning).toContain(`not signed by ${key}`);
    expect(await page.locator('[data-testid="app-integrity-version"]').textContent()).toBe(
      `App version ${v1.version} · release key ${key}`,
    );
    await restartWorker();
    await visit('/', 'warning');
    expect(await evilRan(page)).toBeUndefined();
  });

  it('a page writing a whole release signed by another key into the caches does not get it served', async () => {
    const files = Object.keys(impostorFiles).map((f) => ({
      cache: `sealpeer-release-${impostorSha}`,
      path: `/${f}`,
      body: readFileSync(join(impostorDir, f), 'utf8'),
      type: typeOf(f),
    }));
    const signed = [MANIFEST_FILE, RELEASE_NOTE_FILE].map((f) => ({
      cache: `sealpeer-release-${impostorSha}`,
      path: `/${f}`,
      body: readFileSync(join(impostorDir, f), 'utf8'),
      type: 'text/plain',
    }));
    const record = {
      version: '99.0.0',
      manifestSha256: impostorSha,
      vkey: formatVerifierKey(impostor),
      key: keyLabel(impostor),
      files: impostorFiles,
      cacheName: `sealpeer-release-${impostorSha}`,
    };
    await pageWritesCaches([
      ...files,
      ...signed,
      {
        cache: 'sealpeer-pin-state',
        path: '/__sealpeer/pinned.json',
        body: JSON.stringify(record),
        type: 'application/json',
      },
    ]);
    await restartWorker();
    const res = await page.goto(url);
    expect(await res?.text()).toBe(readFileSync(join(v1.dir, 'index.html'), 'utf8'));
    await page.locator(`${panel}[data-state="warning"]`).waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="app-integrity-version"]').textContent()).toBe(
      `App version ${v1.version} · release key ${key}`,
    );
    expect(await evilRan(page)).toBeUndefined();
  });

  it('a page deleting the pin gets no network fallback: pages are refused until a release signed by the built-in key is served', async () => {
    await page.evaluate(async () => {
      for (const name of await caches.keys()) await caches.delete(name);
    });
    await restartWorker();
    // The server still serves the impostor's release: nothing verifies, nothing from it runs.
    const res = await page.goto(new URL('/anything.html', url).href);
    expect(res?.status()).toBe(503);
    expect(await res?.text()).toContain('Nothing from this server was run');
    expect(await evilRan(page)).toBeUndefined();
    // Back to the signed release: pinned again with the key compiled into the worker.
    publish(v1.dir, serveDir);
    addHostileFiles(serveDir);
    await visit('/anything.html', 'pinned');
    expect(await page.locator('[data-testid="app-integrity-version"]').textContent()).toBe(
      `App version ${v1.version} · release key ${key}`,
    );
    expect(await evilRan(page)).toBeUndefined();
  });

  it("a page overwriting a pinned file in the worker's cache does not get it served: the pinned bytes come back", async () => {
    const v1Sha = sha256Hex(readFileSync(join(v1.dir, MANIFEST_FILE)));
    const genuine = readFileSync(join(v1.dir, 'index.html'), 'utf8');
    await pageWritesCaches([
      { cache: `sealpeer-release-${v1Sha}`, path: '/index.html', body: EVIL_PAGE, type: 'text/html' },
    ]);
    const res = await page.goto(url);
    expect(await res?.text()).toBe(genuine);
    await page.locator(`${panel}[data-state="pinned"]`).waitFor({ timeout: 60_000 });
    expect(await evilRan(page)).toBeUndefined();
    // Re-fetched from the server only because it matches the pinned manifest, and cached again.
    const cached = await page.evaluate(
      async (name) => (await (await caches.open(name)).match(`${location.origin}/index.html`))?.text(),
      `sealpeer-release-${v1Sha}`,
    );
    expect(cached).toBe(genuine);
  });
});
