// Pairing without a camera: both devices open the same public channel; A shows a short code, B types it.
// A wrong code fails clearly after one try (and spends the code); a fresh code then pairs, with equal
// safety numbers and chat over the data channel.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TEST_MS, type TestPage } from '../support/chromium.ts';
import {
  chat,
  createChannel,
  dataChannelOpen,
  openPublicChannel,
  safetyNumber,
  screenshot,
  showCode as showCodeOn,
  tid,
  typeCode as typeCodeOn,
} from '../support/flows.ts';
import type { TestStack } from '../support/server.ts';
import { closeWindows, openTwoWindows } from '../support/windows.ts';

/** A code with every digit of the secret part changed (so it is certainly wrong). */
function wrongCode(code: string): string {
  return code.replace(/\d{6}$/, (d) => [...d].map((c) => String((Number(c) + 5) % 10)).join(''));
}

describe('pairing by short code in Chromium', { timeout: E2E_TEST_MS }, () => {
  let browser: Browser;
  let stack: TestStack;
  let a: TestPage;
  let b: TestPage;
  let channelId = '';

  beforeAll(async () => {
    ({ stack, browser, a, b } = await openTwoWindows({ bViewport: { width: 390, height: 844 } }));
  });
  afterAll(() => closeWindows({ browser, stack }));

  async function showCode(): Promise<string> {
    const code = await showCodeOn(a.page);
    expect(code).toMatch(/^\d{3}-\d{6}$/);
    return code;
  }

  const typeCode = (code: string): Promise<void> => typeCodeOn(b.page, code);

  it('B finds the public channel on Home and opens it', async () => {
    channelId = await createChannel(a.page, stack.url, { public: true, name: 'code test' });
    await openPublicChannel(b.page, stack.url, 'code test');
    expect(b.page.url()).toContain(channelId);
  });

  it('a wrong code fails with a readable error after one try', async () => {
    const code = await showCode();
    await screenshot(a.page, 'code-1-shown');
    await typeCode(wrongCode(code));
    const status = b.page.locator(tid('code-status', '.error'));
    await status.waitFor();
    expect(await status.textContent()).toMatch(/new code/i);
    expect(await a.page.locator(tid('peer-item', '[data-link="open"]')).count()).toBe(0);
  });

  it('a fresh code pairs: same safety number, chat both ways', async () => {
    await typeCode(await showCode());
    const [na, nb] = await Promise.all([safetyNumber(a.page), safetyNumber(b.page)]);
    expect(na).toMatch(/^\d{60}$/);
    expect(nb).toBe(na);
    await Promise.all([dataChannelOpen(a.page), dataChannelOpen(b.page)]);
    await chat(b.page, a.page, 'typed the code');
    await chat(a.page, b.page, 'got it');
  });
});
