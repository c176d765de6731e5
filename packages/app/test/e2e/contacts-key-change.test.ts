// Issue 15 §4 in Chromium: A and B save each other after a QR pairing; B replaces its identity and pairs
// again at the same address. A's saved contact is blocked (not listened for, Chat disabled), and B cannot
// reach A either (its new key has no rendezvous with A) — until A accepts exactly the reviewed key. Then
// Chat reaches B again through the new pair tag, and A's contact shows the old key in its history.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TEST_MS, type TestPage } from '../support/chromium.ts';
import {
  chat,
  createChannel,
  readInviteQr,
  replaceIdentity,
  safetyNumber,
  screenshot,
  tid,
} from '../support/flows.ts';
import type { TestStack } from '../support/server.ts';
import { closeWindows, openTwoWindows } from '../support/windows.ts';

const row = (name: string, extra = '') => `${tid('saved-contact')}${extra}:has-text("${name}")`;

describe('a saved contact whose key changed', { timeout: E2E_TEST_MS }, () => {
  let browser: Browser;
  let stack: TestStack;
  let a: TestPage;
  let b: TestPage;
  let channelUrl = '';

  beforeAll(async () => {
    ({ stack, browser, a, b } = await openTwoWindows());
  });
  afterAll(() => closeWindows({ browser, stack }));

  it('A and B pair by QR and save each other', async () => {
    await createChannel(a.page, stack.url);
    channelUrl = a.page.url();
    await b.page.goto(await readInviteQr(a.page));
    expect(await safetyNumber(b.page)).toBe(await safetyNumber(a.page));
    for (const [p, name] of [
      [a.page, 'Bob'],
      [b.page, 'Alice'],
    ] as const) {
      await p.locator(tid('save-contact-name')).fill(name);
      await p.locator(tid('save-contact')).click();
      await p.locator(tid('saved-contact-note')).waitFor();
    }
  });

  it('B replaces its identity and pairs again at the same address: blocked on both sides', async () => {
    await b.page.locator(tid('nav-device')).click();
    await replaceIdentity(b.page);
    await a.page.goto(channelUrl);
    await a.page.locator(tid('channel-status', '[data-state="connected"]')).waitFor();
    await a.page.locator(tid('show-invite')).click();
    const picture = join(mkdtempSync(join(tmpdir(), 'sealpeer-qr-')), 'invite.png');
    await a.page.locator(tid('invite-qr')).screenshot({ path: picture });
    await b.page.locator(tid('nav-scan')).click();
    await b.page.locator(tid('scan-file')).setInputFiles(picture);
    await a.page.locator(tid('key-change-warning')).waitFor();
    // A: the saved contact is blocked, Chat disabled.
    await a.page.locator(tid('nav-contacts')).click();
    await a.page.locator(row('Bob', '[data-blocked="true"]')).waitFor();
    expect(await a.page.locator(`${row('Bob')} ${tid('contact-chat')}:disabled`).count()).toBe(1);
    await screenshot(a.page, 'contacts-6-key-changed');
    // B (new key): A is unreachable — offline, and Chat says so instead of connecting.
    await b.page.goto(`${stack.url}/#/contacts`);
    await b.page.locator(tid('saved-contacts', '[data-rendezvous="listening"]')).waitFor();
    expect(await b.page.locator(row('Alice', '[data-online="false"]')).count()).toBe(1);
    await b.page.locator(`${row('Alice')} ${tid('contact-chat')}`).click();
    await b.page.locator(tid('contact-chat-status', '[data-state="offline"]')).waitFor();
  });

  it('after A accepts the reviewed key, Chat reaches B again; the old key is in the history', async () => {
    await a.page.goto(channelUrl);
    await a.page.locator(tid('accept-key-change')).click();
    await a.page.locator(`${tid('peer-panel')} ${tid('peer-trust', '[data-state="unverified"]')}`).waitFor();
    await a.page.locator(tid('nav-contacts')).click();
    await a.page.locator(row('Bob', '[data-blocked="false"][data-online="true"]')).waitFor();
    expect(await a.page.locator(`${row('Bob')} ${tid('contact-history')}`).count()).toBe(1);
    // B's open chat page connects by itself once A listens on the new pair tag.
    await b.page.locator(tid('contact-chat-status', '[data-state="open"]')).waitFor();
    await a.page.locator(`${row('Bob')} ${tid('contact-chat')}`).click();
    await a.page.locator(tid('contact-chat-status', '[data-state="open"]')).waitFor();
    await chat(b.page, a.page, 'new phone, same me');
    await chat(a.page, b.page, 'accepted, welcome back');
    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
  });
});
