// The usual e2e setup: a test stack serving the built app, one Chromium, and two windows A and B.
import type { Browser } from 'playwright-core';
import { buildAppOnce } from './build.ts';
import { launchChromium, openPage, type TestPage } from './chromium.ts';
import { startStack, type TestStack } from './server.ts';

export interface TwoWindows {
  stack: TestStack;
  browser: Browser;
  a: TestPage;
  b: TestPage;
}

export async function openTwoWindows(
  opts: { stack?: Parameters<typeof startStack>[1]; bViewport?: { width: number; height: number } } = {},
): Promise<TwoWindows> {
  const stack = await startStack(await buildAppOnce(), opts.stack);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    return { stack, browser, a: await openPage(browser), b: await openPage(browser, opts.bViewport) };
  } catch (err) {
    await closeWindows({ browser, stack });
    throw err;
  }
}

/** Closes what openTwoWindows (or a test's own setup) opened; safe after a failed setup. */
export async function closeWindows(w: { browser?: Browser; stack?: TestStack }): Promise<void> {
  await w.browser?.close();
  await w.stack?.close();
}
