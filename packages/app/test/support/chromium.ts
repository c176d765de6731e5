// Launches Debian's Chromium through playwright-core. Missing Chromium is a test failure with the install
// line, never a silent skip (scripts/setup-system.sh installs it in CI).
import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** Longest single wait in a browser step, and the per-test budget. */
export const E2E_WAIT_MS = 45_000;
export const E2E_TEST_MS = 120_000;

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Audio/video calls use Chromium's fake camera and microphone, with no permission prompt.
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  // Host ICE candidates as plain loopback addresses instead of mDNS names (no resolver in the sandbox).
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

/** `extraArgs`: more Chromium switches, e.g. --host-resolver-rules for the LAN HTTPS test. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install it with: sudo apt-get install -y chromium`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...extraArgs], headless: true });
}

/** A persistent (non-incognito) profile in `userDataDir`: what checks like installability need. */
export async function launchChromiumProfile(userDataDir: string): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install it with: sudo apt-get install -y chromium`);
  }
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
  });
}

/** A fresh, isolated browser profile (its own IndexedDB) with console errors and CSP reports collected. */
export interface TestPage {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors and CSP violations seen so far. */
  problems: string[];
}

export async function openPage(browser: Browser, viewport = { width: 1000, height: 900 }): Promise<TestPage> {
  const context = await browser.newContext({ viewport });
  // Generous: the suite shares small CI machines; each wait still ends on the first success.
  context.setDefaultTimeout(E2E_WAIT_MS);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (msg) => {
    // HTTP failures are recorded with their URL below; the console line for them carries none.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource'))
      problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('response', (res) => {
    // config.json is optional operator configuration (src/sw/server-origin.ts): its 404 is expected.
    if (res.status() >= 400 && new URL(res.url()).pathname !== '/config.json')
      problems.push(`http ${res.status()}: ${res.url()}`);
  });
  return { context, page, problems };
}
