// Issue 15, the keyshare path ends in a chat (Chromium, two browser contexts): B publishes its keys under
// a handle; A looks the handle up (log proofs checked against the pinned verifier key), saves it and
// presses Chat; B sees a contact request (nothing A sent is shown yet), accepts it; both show the same
// safety number and text crosses both ways.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TEST_MS, openPage, type TestPage } from '../support/chromium.ts';
import { chat, safetyNumber, screenshot, tid } from '../support/flows.ts';
import type { TestStack } from '../support/server.ts';
import { closeWindows, openTwoWindows } from '../support/windows.ts';

describe('keyshare lookup → contact request → chat', { timeout: E2E_TEST_MS }, () => {
  let browser: Browser;
  let stack: TestStack;
  let a: TestPage;
  let b: TestPage;

  beforeAll(async () => {
    ({ stack, browser, a, b } = await openTwoWindows({ stack: { keyshare: true } }));
  });
  afterAll(() => closeWindows({ browser, stack }));

  it('B publishes its keys under a handle', async () => {
    await b.page.goto(`${stack.url}/#/contacts`);
    await b.page.locator(tid('keyshare-verifier')).fill(stack.keyshare!.verifierKey);
    await b.page.locator(tid('own-handle')).fill('bob.home');
    await b.page.locator(tid('own-publish')).click();
    await b.page.locator(tid('own-published')).waitFor();
  });

  it('A looks it up, saves it, presses Chat; B gets a request and accepts; same safety number; texts cross', async () => {
    await a.page.goto(`${stack.url}/#/contacts`);
    await a.page.locator(tid('keyshare-verifier')).fill(stack.keyshare!.verifierKey);
    await a.page.locator(tid('contact-handle')).fill('bob.home');
    await a.page.locator(tid('contact-lookup')).click();
    await a.page.locator(tid('lookup-save')).click();
    await a.page.locator(tid('lookup-chat')).click();
    await a.page.locator(tid('contact-chat-status', '[data-state="open"]')).waitFor();
    // A may type at once; B shows nothing of it before accepting.
    await a.page.locator(tid('chat-input')).fill('hi Bob, found you on the keyshare');
    await a.page.locator(tid('chat-send')).click();
    const request = b.page.locator(tid('contact-request'));
    await request.waitFor();
    await screenshot(b.page, 'contacts-4-request');
    expect(await b.page.locator(tid('chat-peer')).count()).toBe(0);
    const offered = ((await b.page.locator(tid('request-safety-number')).textContent()) ?? '').replace(
      /\D/g,
      '',
    );
    await b.page.locator(tid('request-name')).fill('Alice');
    await b.page.locator(tid('request-accept')).click();
    await b.page.locator(tid('contact-chat-status', '[data-state="open"]')).waitFor();
    const [na, nb] = await Promise.all([safetyNumber(a.page), safetyNumber(b.page)]);
    expect(na).toMatch(/^\d{60}$/);
    expect(nb).toBe(na);
    expect(offered).toBe(na);
    // The held line appears after acceptance; then both ways.
    await b.page.locator(tid('chat-peer')).filter({ hasText: 'found you on the keyshare' }).waitFor();
    await chat(b.page, a.page, 'hi Alice, accepted');
    await chat(a.page, b.page, 'great');
    await screenshot(a.page, 'contacts-5-keyshare-chat');
  });

  it('a request B declines ends the session on both sides; nothing of it is shown to B', async () => {
    const c = await openPage(browser);
    try {
      await c.page.goto(`${stack.url}/#/contacts`);
      await c.page.locator(tid('keyshare-verifier')).fill(stack.keyshare!.verifierKey);
      await c.page.locator(tid('contact-handle')).fill('bob.home');
      await c.page.locator(tid('contact-lookup')).click();
      await c.page.locator(tid('lookup-save')).click();
      await c.page.locator(tid('lookup-chat')).click();
      await c.page.locator(tid('contact-chat-status', '[data-state="open"]')).waitFor();
      await c.page.locator(tid('chat-input')).fill('let me in');
      await c.page.locator(tid('chat-send')).click();
      await b.page.goto(`${stack.url}/#/contacts`);
      await b.page.locator(tid('request-decline')).click();
      await c.page.locator(tid('contact-chat-status', '[data-state="closed"]')).waitFor();
      expect(await b.page.locator(tid('contact-request')).count()).toBe(0);
      expect(await b.page.locator(tid('saved-contact')).count()).toBe(1); // Alice only
      expect(await b.page.getByText('let me in').count()).toBe(0);
    } finally {
      await c.page.context().close();
    }
  });

  it('after acceptance both list each other as online contacts (the pair tag from now on)', async () => {
    for (const [p, name] of [
      [a.page, 'bob.home'],
      [b.page, 'Alice'],
    ] as const) {
      await p.goto(`${stack.url}/#/contacts`);
      await p
        .locator(`${tid('saved-contact')}[data-online="true"]`)
        .filter({ hasText: name })
        .waitFor();
    }
    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
  });
});
