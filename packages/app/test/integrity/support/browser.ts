// A fresh Chromium profile for the pinning tests, on the app tests' launcher (support/chromium.ts:
// Debian's Chromium, the project's flags, a missing browser fails with the install line, never a skip).
// One context per profile: its service worker and caches persist across reloads as in a user's browser.
import type { BrowserContext, Page } from 'playwright-core';
import { startAppServer } from '../../../bin/serve.ts';
import { launchChromium } from '../../support/chromium.ts';

export interface Profile {
  context: BrowserContext;
  close(): Promise<void>;
}

/** `serviceWorkers: 'block'` plays a browser without the pin (what the hostile host's pages do there). */
export async function launchProfile(serviceWorkers: 'allow' | 'block' = 'allow'): Promise<Profile> {
  const browser = await launchChromium();
  const context = await browser.newContext({ serviceWorkers });
  return {
    context,
    async close() {
      await context.close();
      await browser.close();
    },
  };
}

/** The served directory on `sealpeer-app` (127.0.0.1) and a pinning profile visiting it. */
export interface PinnedSite {
  url: string;
  profile: Profile;
  page: Page;
  close(): Promise<void>;
}

export async function openPinnedSite(serveDir: string): Promise<PinnedSite> {
  const { server, url } = await startAppServer({
    dir: serveDir,
    host: '127.0.0.1',
    port: 0,
    keyshares: [],
    log: () => {},
  });
  const profile = await launchProfile();
  const page = profile.context.pages()[0] ?? (await profile.context.newPage());
  return {
    url,
    profile,
    page,
    async close() {
      await profile.close();
      await new Promise((r) => server.close(r));
    },
  };
}
