// The few things a journey does with a page, in either browser: Playwright's Chromium page or Puppeteer's
// Firefox page (support/firefox.ts). The shared flows (support/flows.ts) take an `AnyPage` and talk to it
// through this interface, so one journey runs unchanged between Chromium and Firefox. Selectors are CSS.
import type { Page } from 'playwright-core';

export type BrowserName = 'chromium' | 'firefox';

export interface AppPage {
  readonly browserName: BrowserName;
  goto(url: string): Promise<void>;
  url(): string;
  /** Waits until an element matching `selector` is visible. */
  waitFor(selector: string): Promise<void>;
  click(selector: string): Promise<void>;
  /** Clicks the first element matching `selector` whose text contains `text`. */
  clickText(selector: string, text: string): Promise<void>;
  /** Ticks a checkbox (no change when it is ticked already). */
  check(selector: string): Promise<void>;
  fill(selector: string, text: string): Promise<void>;
  /** Focuses the element and presses a key, e.g. 'Enter'. */
  press(selector: string, key: string): Promise<void>;
  /** The element's text (waits for it to exist). */
  text(selector: string): Promise<string>;
  /** An input's current value (waits for it to exist). */
  value(selector: string): Promise<string>;
  count(selector: string): Promise<number>;
  /** Chooses a file in an `<input type=file>`. */
  setInputFile(selector: string, path: string): Promise<void>;
  /** Waits until `fn(arg)`, run in the page, is truthy; `arg` is plain data (no handles). */
  waitForFunction<A>(fn: (arg: A) => unknown, arg: A): Promise<void>;
  /** Runs `fn(arg)` in the page; `arg` is plain data (no handles). */
  evaluate<R, A>(fn: (arg: A) => R, arg: A): Promise<R>;
  /** PNG of the viewport, or of the element matching `selector`. */
  screenshot(selector?: string): Promise<Buffer>;
}

export type AnyPage = Page | AppPage;

const playwrightPages = new WeakMap<Page, AppPage>();

/** The page as an AppPage: Playwright pages are wrapped (once), AppPages returned as they are. */
export function appPage(page: AnyPage): AppPage {
  if ('browserName' in page) return page;
  let wrapped = playwrightPages.get(page);
  if (!wrapped) {
    wrapped = playwrightAppPage(page);
    playwrightPages.set(page, wrapped);
  }
  return wrapped;
}

function playwrightAppPage(page: Page): AppPage {
  const at = (selector: string) => page.locator(selector);
  return {
    browserName: 'chromium',
    goto: async (url) => {
      await page.goto(url);
    },
    url: () => page.url(),
    waitFor: (s) => at(s).waitFor(),
    click: (s) => at(s).click(),
    clickText: (s, text) => page.locator(s, { hasText: text }).first().click(),
    check: (s) => at(s).check(),
    fill: (s, text) => at(s).fill(text),
    press: (s, key) => at(s).press(key),
    text: async (s) => (await at(s).textContent()) ?? '',
    value: (s) => at(s).inputValue(),
    count: (s) => at(s).count(),
    setInputFile: (s, path) => at(s).setInputFiles(path),
    // Arguments are plain JSON-like data here, which Playwright passes through unchanged (no handles).
    waitForFunction: async (fn, arg) => {
      await page.waitForFunction(fn as (a: unknown) => unknown, arg as unknown);
    },
    evaluate: <R, A>(fn: (arg: A) => R, arg: A) => page.evaluate(fn as (a: unknown) => R, arg as unknown),
    screenshot: (s) => (s ? at(s).screenshot() : page.screenshot()),
  };
}
