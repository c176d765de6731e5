// Launches Debian's Firefox ESR through puppeteer-core over WebDriver BiDi, headless, with a throw-away
// profile, and wraps its pages as AppPages (support/page.ts) so the Chromium journeys run in it too.
// Missing Firefox is a test failure with the install line, never a silent skip (scripts/setup-system.sh
// installs it in CI).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type BrowserContext, type ElementHandle, type Page } from 'puppeteer-core';
import { E2E_WAIT_MS } from './chromium.ts';
import type { AppPage } from './page.ts';

export const FIREFOX = '/usr/bin/firefox-esr';

/** Firefox counterparts of the Chromium switches in support/chromium.ts. */
const PREFS: Record<string, unknown> = {
  // Fake camera and microphone, with no permission prompt (--use-fake-*-for-media-stream).
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  // Host ICE candidates as plain addresses instead of mDNS names (no resolver in the sandbox), loopback
  // included (Firefox leaves 127.0.0.1 out by default).
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.peerconnection.ice.loopback': true,
};

export interface FirefoxBrowser {
  browser: Browser;
  /** Closes Firefox and deletes its profile. */
  close(): Promise<void>;
}

/** `executable`: another Firefox binary (the tests pass a missing one to check the message). */
export async function launchFirefox(executable = FIREFOX): Promise<FirefoxBrowser> {
  if (!existsSync(executable)) {
    throw new Error(`${executable} is missing: install it with: sudo apt-get install -y firefox-esr`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'sealpeer-firefox-'));
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      protocol: 'webDriverBiDi',
      executablePath: executable,
      headless: true,
      userDataDir: profile,
      extraPrefsFirefox: PREFS,
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A fresh, isolated Firefox context (its own IndexedDB) with the problems seen, as support/chromium.ts. */
export interface FirefoxPage {
  context: BrowserContext;
  page: Page;
  app: AppPage;
  /** Console errors, page errors and failed HTTP responses seen so far. */
  problems: string[];
}

export async function openFirefoxPage(
  ff: FirefoxBrowser,
  viewport = { width: 1000, height: 900 },
): Promise<FirefoxPage> {
  const context = await ff.browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(E2E_WAIT_MS);
  await page.setViewport(viewport);
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${String(err)}`));
  page.on('response', (res) => {
    // config.json is optional operator configuration (src/sw/server-origin.ts): its 404 is expected.
    if (res.status() >= 400 && new URL(res.url()).pathname !== '/config.json')
      problems.push(`http ${res.status()}: ${res.url()}`);
  });
  return { context, page, app: puppeteerAppPage(page), problems };
}

function puppeteerAppPage(page: Page): AppPage {
  const visible = async (s: string): Promise<ElementHandle> => {
    const el = await page.waitForSelector(s, { visible: true });
    if (!el) throw new Error(`${s} did not appear`);
    return el;
  };
  const attached = async (s: string): Promise<ElementHandle> => {
    const el = await page.waitForSelector(s);
    if (!el) throw new Error(`${s} did not appear`);
    return el;
  };
  return {
    browserName: 'firefox',
    goto: async (url) => {
      await page.goto(url);
    },
    url: () => page.url(),
    waitFor: async (s) => {
      await visible(s);
    },
    click: (s) => page.locator(s).click(),
    clickText: async (s, text) => {
      const found = await page.waitForFunction(
        (sel: string, t: string) =>
          [...document.querySelectorAll(sel)].find((e) => e.textContent?.includes(t)) ?? false,
        {},
        s,
        text,
      );
      await (found as ElementHandle<Element>).click();
    },
    check: async (s) => {
      const box = (await visible(s)) as ElementHandle<HTMLInputElement>;
      if (!(await box.evaluate((e) => e.checked))) await box.click();
    },
    fill: (s, text) => page.locator(s).fill(text),
    press: async (s, key) => {
      await (await visible(s)).press(key as Parameters<ElementHandle['press']>[0]);
    },
    text: async (s) => (await attached(s)).evaluate((e) => e.textContent ?? ''),
    value: async (s) => ((await attached(s)) as ElementHandle<HTMLInputElement>).evaluate((e) => e.value),
    count: async (s) => (await page.$$(s)).length,
    setInputFile: async (s, path) => {
      await ((await attached(s)) as ElementHandle<HTMLInputElement>).uploadFile(path);
    },
    waitForFunction: async (fn, arg) => {
      await page.waitForFunction(fn as (a: unknown) => unknown, {}, arg as unknown);
    },
    evaluate: async <R, A>(fn: (arg: A) => R, arg: A) =>
      (await page.evaluate(fn as (a: unknown) => R, arg as unknown)) as R,
    screenshot: async (s) => Buffer.from(await (s ? (await visible(s)).screenshot() : page.screenshot())),
  };
}
