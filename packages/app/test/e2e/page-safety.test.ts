// The page itself: served with a strict CSP and no-referrer, built without inline scripts or styles and
// without any third-party URL, loads with no CSP violation, and stays usable at phone width.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAppOnce } from '../support/build.ts';
import { E2E_TEST_MS, launchChromium, openPage } from '../support/chromium.ts';
import { createChannel, tid } from '../support/flows.ts';
import { startStack, type TestStack } from '../support/server.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('page safety', { timeout: E2E_TEST_MS }, () => {
  let dist = '';
  let browser: Browser;
  let stack: TestStack;

  beforeAll(async () => {
    dist = await buildAppOnce();
    stack = await startStack(dist);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('the built HTML has no inline script or style and every asset is local', () => {
    const files = filesUnder(dist);
    const html = files.filter((f) => f.endsWith('.html'));
    expect(html.length).toBeGreaterThanOrEqual(1);
    for (const f of html) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
        expect(m[1], `${f}: script without src`).toMatch(/\bsrc=/);
        expect(m[2]?.trim(), `${f}: inline script body`).toBe('');
      }
      expect(text, `${f}: inline <style>`).not.toMatch(/<style\b/);
      expect(text, `${f}: style attribute`).not.toMatch(/\sstyle=/);
      expect(text, `${f}: inline handler`).not.toMatch(/\son[a-z]+=/);
      for (const m of text.matchAll(/\b(?:src|href)="([^"]+)"/g))
        expect(m[1], `${f}: remote asset`).toMatch(/^\/(?!\/)/);
    }
    for (const f of files.filter((x) => /\.(js|css)$/.test(x))) {
      const text = readFileSync(f, 'utf8');
      // No CDN or font host; the only absolute URLs allowed are spec/namespace strings, never loaded.
      expect(text, `${f}: CDN url`).not.toMatch(/https?:\/\/(?:cdn|unpkg|fonts\.|ajax\.|cdnjs)/);
      expect(text, `${f}: innerHTML`).not.toMatch(/\.innerHTML\s*=|insertAdjacentHTML|outerHTML\s*=/);
    }
  });

  it('serves / and /p with a strict CSP and no-referrer', async () => {
    for (const path of ['/', '/p']) {
      const res = await fetch(`${stack.server.url}${path}`);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/script-src 'self'( 'wasm-unsafe-eval')?;/);
      expect(csp).toMatch(/style-src 'self';/);
      expect(csp).not.toMatch(/unsafe-inline|'unsafe-eval'/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(await res.text()).toContain('data-testid="app"');
    }
  });

  it('loads with no CSP violation or page error and works at phone width by keyboard', async () => {
    const { page, problems, context } = await openPage(browser, { width: 360, height: 740 });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await createChannel(page, stack.url);
    await page.locator(tid('nav-device')).focus();
    await page.keyboard.press('Enter');
    await page.locator(tid('screen-device')).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(problems.filter((p) => !p.includes('favicon'))).toEqual([]);
    expect(
      requests.every((u) => u.startsWith(stack.url) || u.startsWith(stack.url.replace('http', 'ws'))),
    ).toBe(true);
    await context.close();
  });

  it('a bad link on Home gives a readable error', async () => {
    const { page, context } = await openPage(browser);
    await page.goto(`${stack.url}/`);
    await page.locator(tid('open-link')).fill('javascript:alert(1)');
    await page.locator(tid('open-link-go')).click();
    expect(await page.locator(tid('home-error')).textContent()).toMatch(/not a sealpeer/);
    await context.close();
  });
});
