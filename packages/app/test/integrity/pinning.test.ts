// App pinning in a real Chromium: the service worker keeps the release the user first trusted; a server
// that starts serving modified files (or a release signed by another key) does not get to run its code,
// and the page says so; a release signed by the pinned key is taken.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatStatement,
  generateSigner,
  keyLabel,
  parseManifest,
  sha256Hex,
  signNote,
} from '@sealpeer/client/release';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchProfile, openPinnedSite, type PinnedSite } from './support/browser.ts';
import {
  buildSignedRelease,
  builtFile,
  publish,
  setVersion,
  type TestRelease,
  tamperMainScript,
} from './support/release.ts';

const tmp = mkdtempSync(join(tmpdir(), 'sealpeer-pinning-'));
const signer = generateSigner('pin.test/app');
const key = keyLabel(signer);
const serveDir = join(tmp, 'serve');
let v1: TestRelease;
let v2: TestRelease;
let site: PinnedSite;
let url: string;
let page: Page;

const panel = '[data-testid="app-integrity"]';

async function visit(state: string): Promise<{ version: string; detail: string }> {
  await page.goto(url);
  await page.locator(`${panel}[data-state="${state}"]`).waitFor({ timeout: 60_000 });
  return {
    version: (await page.locator('[data-testid="app-integrity-version"]').textContent()) ?? '',
    detail: (await page.locator(`${panel} p:nth-child(2)`).textContent()) ?? '',
  };
}

beforeAll(async () => {
  v1 = await buildSignedRelease(join(tmp, 'v1'), signer);
  v2 = await buildSignedRelease(join(tmp, 'v2'), signer, (app) => {
    setVersion(app, '99.0.0');
    appendFileSync(join(app, 'src', 'styles.css'), '\n.sealpeer-release-two { display: block; }\n');
  });
  mkdirSync(serveDir);
  publish(v1.dir, serveDir);
  site = await openPinnedSite(serveDir);
  ({ url, page } = site);
}, 240_000);

afterAll(async () => {
  await site?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('app pinning in Chromium', { timeout: 120_000 }, () => {
  it('pins the release on first visit and shows its version and key', async () => {
    const s = await visit('pinned');
    expect(s.version).toBe(`App version ${v1.version} · release key ${key}`);
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  });

  it('keeps running the pinned release and warns when the server serves a modified script', async () => {
    // A real attacker changes the script and the SRI attribute that would otherwise block it.
    const { file: mainJs, sri: evilSri } = tamperMainScript(serveDir);
    expect(await (await fetch(url)).text()).toContain(evilSri); // what an unpinned browser would now run
    const s = await visit('warning');
    expect(s.detail).toContain(`it serves a modified ${mainJs}`);
    expect(s.detail).toContain(`still running the pinned version ${v1.version}`);
    expect(s.version).toBe(`App version ${v1.version} · release key ${key}`);
    expect(await page.locator('[data-testid="app-integrity-warning"][role="alert"]').count()).toBe(1);
    // The modified script never ran: the page came from the pinned copy.
    expect(await page.evaluate(() => document.documentElement.dataset.evil)).toBeUndefined();
  });

  it('warns when the server re-writes the manifest to match its modified script (not signed)', async () => {
    const m = parseManifest(readFileSync(join(serveDir, 'manifest.json')));
    const mainJs = builtFile(serveDir, 'assets', /^main-.*\.js$/);
    const forged = { ...m.files, [mainJs]: sha256Hex(readFileSync(join(serveDir, mainJs))) };
    writeFileSync(join(serveDir, 'manifest.json'), JSON.stringify({ ...m, files: forged }));
    const s = await visit('warning');
    expect(s.detail).toContain('it serves a modified manifest.json');
    expect(await page.evaluate(() => document.documentElement.dataset.evil)).toBeUndefined();
  });

  it('refuses a newer release signed by another key with the same name', async () => {
    publish(v2.dir, serveDir);
    const impostor = generateSigner('pin.test/app');
    const manifest = readFileSync(join(serveDir, 'manifest.json'));
    const text = formatStatement({ version: v2.version, manifestSha256: sha256Hex(manifest) });
    writeFileSync(join(serveDir, 'release.note'), signNote(text, impostor));
    const s = await visit('warning');
    expect(s.detail).toContain(`not signed by ${key}`);
    expect(s.version).toBe(`App version ${v1.version} · release key ${key}`);
    const css = await page.evaluate(() => [...document.styleSheets].map((x) => x.href ?? '').join(' '));
    expect(css).toContain(builtFile(v1.dir, 'assets', /\.css$/));
  });

  it('takes a newer release signed by the pinned key', async () => {
    publish(v2.dir, serveDir);
    const s = await visit('updated');
    expect(s.version).toBe(`App version ${v2.version} · release key ${key}`);
    expect(s.detail).toContain('Reload the page to run it');
    const after = await visit('pinned');
    expect(after.version).toBe(`App version ${v2.version} · release key ${key}`);
    const css = await page.evaluate(() => [...document.styleSheets].map((x) => x.href ?? '').join(' '));
    expect(css).toContain(builtFile(v2.dir, 'assets', /\.css$/));
  });

  it('refuses to go back to the older release, even correctly signed', async () => {
    publish(v1.dir, serveDir);
    const s = await visit('warning');
    expect(s.detail).toContain(`not newer than the pinned ${v2.version}`);
    expect(s.version).toBe(`App version ${v2.version} · release key ${key}`);
  });

  it('pins nothing on a first visit to a server whose release does not verify, and says so', async () => {
    publish(v1.dir, serveDir);
    const css = builtFile(serveDir, 'assets', /\.css$/);
    appendFileSync(join(serveDir, css), '\nbody { display: none; }\n');
    const fresh = await launchProfile();
    try {
      const p = fresh.context.pages()[0] ?? (await fresh.context.newPage());
      await p.goto(url);
      await p.locator(`${panel}[data-state="failed"]`).waitFor({ timeout: 60_000 });
      const warning = (await p.locator('[data-testid="app-integrity-warning"]').textContent()) ?? '';
      expect(warning).toContain(`${css} does not match the signed manifest`);
      expect(await p.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
    } finally {
      await fresh.close();
    }
  });
});
