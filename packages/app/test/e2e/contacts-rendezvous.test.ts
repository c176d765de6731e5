// Issue 15 in a real Chromium, each window its own browser context: pair by QR, save each other as
// contacts, reload both, and Chat reconnects through the pair's rendezvous (docs/protocol.md 2.14) with
// no new invite — text crosses both ways, sealed through the relay. A third context that imports both
// public keys (but has neither secret) sees both offline and cannot reach or disturb them.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TEST_MS, openPage, type TestPage } from '../support/chromium.ts';
import {
  chat,
  contactRow,
  createChannel,
  readInviteQr,
  safetyNumber,
  screenshot,
  tid,
} from '../support/flows.ts';
import type { TestStack } from '../support/server.ts';
import { closeWindows, openTwoWindows } from '../support/windows.ts';

/** Sealed HELLO frames (type 1) sent to the relay, by pairing path (body byte 26). */
function helloPaths(stack: TestStack, from: number): number[] {
  const out: number[] = [];
  for (const f of stack.proxy.frames.slice(from)) {
    if (f.dir !== 'to-server') continue;
    const m = JSON.parse(f.text) as { type?: string; data?: unknown };
    if (m.type !== 'send' || typeof m.data !== 'string') continue;
    const b = Buffer.from(m.data, 'base64url');
    if (b[1] === 1) out.push(b[26] ?? -1);
  }
  return out;
}

async function saveAs(page: TestPage['page'], name: string): Promise<void> {
  await page.locator(tid('save-contact-name')).fill(name);
  await page.locator(tid('save-contact')).click();
  await page.locator(tid('saved-contact-note')).waitFor();
}

describe('saved contacts reconnect without an invite', { timeout: E2E_TEST_MS }, () => {
  let browser: Browser;
  let stack: TestStack;
  let a: TestPage;
  let b: TestPage;
  let number = '';

  beforeAll(async () => {
    ({ stack, browser, a, b } = await openTwoWindows());
  });
  afterAll(() => closeWindows({ browser, stack }));

  it('after a QR pairing, each side saves the other as a contact', async () => {
    await createChannel(a.page, stack.url);
    const uri = await readInviteQr(a.page);
    await b.page.goto(uri);
    const [na, nb] = await Promise.all([safetyNumber(a.page), safetyNumber(b.page)]);
    expect(nb).toBe(na);
    number = na;
    await saveAs(a.page, 'Bob');
    await screenshot(a.page, 'contacts-1-save');
    await saveAs(b.page, 'Alice');
  });

  it('after reloading both, each lists the other as an online contact', async () => {
    for (const p of [a.page, b.page]) {
      await p.goto(`${stack.url}/#/contacts`);
      await p.reload();
    }
    await a.page.locator(contactRow('Bob', '[data-online="true"]')).waitFor();
    await b.page.locator(contactRow('Alice', '[data-online="true"]')).waitFor();
    await screenshot(a.page, 'contacts-2-list');
  });

  it('Chat reconnects with no new invite: same safety number, text crosses both ways', async () => {
    const mark = stack.proxy.frames.length;
    await a.page.locator(`${contactRow('Bob')} ${tid('contact-chat')}`).click();
    await a.page.locator(tid('contact-chat-status', '[data-state="open"]')).waitFor();
    await b.page
      .locator(contactRow('Alice', ':has([data-testid="contact-chat"]:text("Open chat"))'))
      .waitFor();
    await b.page.locator(`${contactRow('Alice')} ${tid('contact-chat')}`).click();
    await b.page.locator(tid('contact-chat-status', '[data-state="open"]')).waitFor();
    const [na, nb] = await Promise.all([safetyNumber(a.page), safetyNumber(b.page)]);
    expect(na).toBe(number);
    expect(nb).toBe(number);
    await chat(a.page, b.page, 'hello again, no QR this time');
    await chat(b.page, a.page, 'hi Alice, reached you as a contact');
    await screenshot(b.page, 'contacts-3-chat');
    // The only pairing after the reload is path 3 (known contact): no invite, no code.
    expect(helloPaths(stack, mark)).toEqual([3]);
  });

  it('verifying the key on the contact chat verifies the contact everywhere (list, next session)', async () => {
    await a.page.locator(tid('mark-verified')).click();
    await a.page.locator(`${tid('peer-panel')} ${tid('peer-trust', '[data-state="verified"]')}`).waitFor();
    await a.page.goto(`${stack.url}/#/contacts`);
    await a.page.locator(contactRow('Bob', '[data-verified="true"]')).waitFor();
    expect(await a.page.locator(contactRow('Bob')).textContent()).toContain('verified (safety number');
    // After a reload the next session with Bob starts out verified.
    await a.page.reload();
    await a.page.locator(contactRow('Bob', '[data-online="true"]')).waitFor();
    await a.page.locator(`${contactRow('Bob')} ${tid('contact-chat')}`).click();
    await a.page.locator(tid('contact-chat-status', '[data-state="open"]')).waitFor();
    await a.page.locator(`${tid('peer-panel')} ${tid('peer-trust', '[data-state="verified"]')}`).waitFor();
    // B has not verified A: B's side stays unverified (verification is per device, by its own user).
    await b.page.goto(`${stack.url}/#/contacts`);
    await b.page.locator(contactRow('Alice', '[data-verified="false"]')).waitFor();
  });

  it('a third context with both public keys sees both offline and cannot reach or disturb them', async () => {
    // Both public identities, as the contacts files of A and B hold them.
    await a.page.goto(`${stack.url}/#/contacts`);
    await a.page.locator(tid('contacts-export')).click();
    const fromA = await a.page.locator(tid('contacts-file')).inputValue();
    await b.page.goto(`${stack.url}/#/contacts`);
    await b.page.locator(tid('contacts-export')).click();
    const fromB = await b.page.locator(tid('contacts-file')).inputValue();
    expect(fromA).toContain('"name": "Bob"');
    // The relay never saw either public key in clear: it got opaque 43-character tags.
    const keys = [fromA, fromB].flatMap((f) =>
      (JSON.parse(f) as { contacts: Array<{ id: string; x25519: string }> }).contacts.flatMap((c) => [
        c.id,
        c.x25519,
      ]),
    );
    expect(keys).toHaveLength(4);
    const relayed = stack.proxy.frames.map((f) => f.text).join('\n');
    expect(relayed).toMatch(/"type":"rendezvous","tags":"[A-Za-z0-9_-]{43}"/);
    for (const k of keys) {
      expect(relayed).not.toContain(k);
      expect(relayed).not.toContain(Buffer.from(k, 'hex').toString('base64url'));
    }
    const eve = await openPage(browser);
    try {
      await eve.page.goto(`${stack.url}/#/contacts`);
      for (const file of [fromA, fromB]) {
        await eve.page.locator(tid('contacts-file')).fill(file);
        await eve.page.locator(tid('contacts-import')).click();
        await eve.page.locator(tid('contacts-status')).filter({ hasText: 'Imported 1' }).waitFor();
      }
      await eve.page.locator(tid('saved-contacts', '[data-rendezvous="listening"]')).waitFor();
      // A and B are online (they listen), yet Eve's tags are other pairs' tags: both stay offline for her.
      await a.page.locator(contactRow('Bob', '[data-online="true"]')).waitFor();
      expect(await eve.page.locator(tid('saved-contact', '[data-online="true"]')).count()).toBe(0);
      expect(await eve.page.locator(tid('saved-contact', '[data-online="false"]')).count()).toBe(2);
      await eve.page.locator(`${contactRow('Bob')} ${tid('contact-chat')}`).click();
      await eve.page.locator(tid('contact-chat-status', '[data-state="offline"]')).waitFor();
      // A and B still talk, undisturbed, and neither saw any refusal or warning.
      await a.page.locator(`${contactRow('Bob')} ${tid('contact-chat')}`).click();
      await b.page.locator(`${contactRow('Alice')} ${tid('contact-chat')}`).click();
      await chat(a.page, b.page, 'still just us');
      for (const p of [a.page, b.page]) expect(await p.locator(tid('integrity-warning')).count()).toBe(0);
      expect(eve.problems).toEqual([]);
    } finally {
      await eve.page.context().close();
    }
    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
  });
});
