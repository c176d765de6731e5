// A fresh Chromium profile for the pinning tests, on the app tests' launcher (support/chromium.ts:
// Debian's Chromium, the project's flags, a missing browser fails with the install line, never a skip).
// One context per profile: its service worker and caches persist across reloads as in a user's browser.
import type { BrowserContext } from 'playwright-core';
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
