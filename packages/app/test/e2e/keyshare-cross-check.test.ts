// Split-view protection where users are (docs/protocol.md 2.6): each window puts the keyshare checkpoint
// it holds in the sealed handshake and checks the peer's before showing the session open. Window A holds
// a checkpoint of the real keyshare, window B one of a fork run with a copy of the log key (same key,
// same origin): the pairing is refused on both sides with an integrity warning (checkpoint_rejected,
// split_view), no safety number, no connection. A peer that holds no checkpoint is labelled "not
// cross-checked" on the peer panel; one that holds the same log's is "cross-checked".
import { Identity, identityRecordKeys, KeyshareClient } from '@sealpeer/client';
import { ready } from '@sealpeer/client/crypto';
import type { RunningKeyshare } from '@sealpeer/keyshare';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TEST_MS, openPage, type TestPage } from '../support/chromium.ts';
import { createChannel, readInviteQr, safetyNumber, tid } from '../support/flows.ts';
import type { TestStack } from '../support/server.ts';
import { closeWindows, openTwoWindows } from '../support/windows.ts';

describe('keyshare checkpoints cross-checked between two peers', { timeout: E2E_TEST_MS }, () => {
  let browser: Browser;
  let stack: TestStack;
  let a: TestPage;
  let b: TestPage;
  let fork: RunningKeyshare | undefined;
  let verifierKey = '';

  beforeAll(async () => {
    ({ stack, browser, a, b } = await openTwoWindows({ stack: { keyshareFork: true } }));
    const honest = stack.keyshare!;
    fork = stack.keyshareFork!;
    verifierKey = honest.verifierKey;
    expect(fork.verifierKey).toBe(verifierKey);
    await ready();
    // Same handle, different keys: two histories of one log, each signed with the real log key.
    for (const url of [honest.url, fork.url])
      await new KeyshareClient({ url, verifierKey }).publish('bob', identityRecordKeys(Identity.generate()));
  });
  afterAll(() => closeWindows({ browser, stack }));

  /** Looks `bob` up on `url` in the page's Contacts screen: the page now holds that log's checkpoint. */
  async function lookUpBob(page: Page, url: string): Promise<void> {
    await page.goto(`${stack.url}/#/contacts`);
    await page.locator(tid('screen-contacts')).waitFor();
    await page.locator(tid('keyshare-url')).fill(url);
    await page.locator(tid('keyshare-verifier')).fill(verifierKey);
    await page.locator(tid('contact-handle')).fill('bob');
    await page.locator(tid('contact-lookup')).click();
    await page.locator(tid('contact-fingerprint')).waitFor();
  }

  it('a split view between the two windows is refused on both sides, before anything opens', async () => {
    await lookUpBob(a.page, stack.keyshare!.url);
    await lookUpBob(b.page, fork!.url);
    await createChannel(a.page, stack.url);
    await b.page.goto(await readInviteQr(a.page));
    await Promise.all([
      a.page.locator(tid('integrity-warning')).first().waitFor(),
      b.page.locator(tid('integrity-warning')).first().waitFor(),
    ]);
    const codes = await Promise.all(
      [a, b].map(async (p) =>
        ((await p.page.locator(tid('integrity-warning-code')).first().textContent()) ?? '').replace(
          /^reason: /,
          '',
        ),
      ),
    );
    // Each side proves the split itself (same size, different roots) or hears the other's sealed refusal
    // first: an authenticated integrity reason from the peer is a peer_alarm (docs/protocol.md 2.7).
    expect(
      codes.some((c) => /checkpoint_rejected \(split_view\)/.test(c)),
      codes.join(' | '),
    ).toBe(true);
    for (const c of codes)
      expect(c).toMatch(/^(checkpoint_rejected \(split_view\)|peer_alarm \(peer: checkpoint_rejected\))$/);
    const titles = await Promise.all(
      [a, b].map(async (p) => (await p.page.locator(tid('integrity-warning')).first().textContent()) ?? ''),
    );
    expect(
      titles.some((t) => t.startsWith('Keyshare split view')),
      titles.join(' | '),
    ).toBe(true);
    for (const p of [a, b]) {
      expect(await p.page.locator(tid('safety-number')).count()).toBe(0);
      expect(await p.page.locator(tid('rtc-state', '[data-state="open"]')).count()).toBe(0);
      expect(await p.page.locator(tid('chat-input', ':enabled')).count()).toBe(0);
      expect(await p.page.locator(tid('peer-panel', '[data-link="open"]')).count()).toBe(0);
    }
  });

  /**
   * One side alone can prove the split: the fork is one record ahead, and the honest keyshare has no
   * tree that large to prove consistency to (that side: "not cross-checked", it opens). docs/protocol.md
   * 2.7: the scanner's CONFIRM verified, so the invite is spent and a split view found after it is the
   * inviter's alarm too (not a silently refused attempt). Fresh windows: a and b hold checkpoints of
   * the size-1 logs already.
   */
  async function oneSidedSplit(inviterUrl: string, scannerUrl: string): Promise<[string, string]> {
    const [inviter, scanner] = [await openPage(browser), await openPage(browser)];
    try {
      await lookUpBob(inviter.page, inviterUrl);
      await lookUpBob(scanner.page, scannerUrl);
      await createChannel(inviter.page, stack.url);
      await scanner.page.goto(await readInviteQr(inviter.page));
      const codes: string[] = [];
      for (const p of [inviter, scanner]) {
        const code = p.page.locator(tid('integrity-warning-code')).first();
        await code.waitFor();
        codes.push(((await code.textContent()) ?? '').replace(/^reason: /, ''));
        expect(await p.page.locator(tid('rtc-state', '[data-state="open"]')).count()).toBe(0);
        expect(await p.page.locator(tid('chat-input', ':enabled')).count()).toBe(0);
      }
      return [codes[0]!, codes[1]!];
    } finally {
      await inviter.context.close();
      await scanner.context.close();
    }
  }

  it('a split view only the inviter can prove: its invite is spent and warns checkpoint_rejected (split_view); the scanner gets peer_alarm', async () => {
    await new KeyshareClient({ url: fork!.url, verifierKey }).publish(
      'carol',
      identityRecordKeys(Identity.generate()),
    );
    const [inviterCode, scannerCode] = await oneSidedSplit(fork!.url, stack.keyshare!.url);
    expect(inviterCode).toBe('checkpoint_rejected (split_view)');
    expect(scannerCode).toBe('peer_alarm (peer: checkpoint_rejected)');
  });

  it('a split view only the scanner can prove: it warns checkpoint_rejected (split_view); the inviter gets peer_alarm', async () => {
    const [inviterCode, scannerCode] = await oneSidedSplit(stack.keyshare!.url, fork!.url);
    expect(scannerCode).toBe('checkpoint_rejected (split_view)');
    expect(inviterCode).toBe('peer_alarm (peer: checkpoint_rejected)');
  });

  it('a peer with no checkpoint is shown "not cross-checked"; one with the same log "cross-checked"', async () => {
    const c = await openPage(browser);
    try {
      await createChannel(a.page, stack.url);
      await c.page.goto(await readInviteQr(a.page));
      await safetyNumber(a.page);
      const label = a.page.locator(`${tid('peer-panel')} ${tid('peer-crosscheck')}`);
      await label.waitFor();
      expect(await label.getAttribute('data-state')).toBe('not-cross-checked');
      expect(await label.textContent()).toMatch(/not cross-checked/);
      // C holds nothing to compare: no label on its side.
      await safetyNumber(c.page);
      expect(await c.page.locator(tid('peer-crosscheck')).count()).toBe(0);

      // C now uses the same (real) keyshare: the next pairing is cross-checked on both sides.
      await lookUpBob(c.page, stack.keyshare!.url);
      await createChannel(a.page, stack.url);
      await c.page.goto(await readInviteQr(a.page));
      await safetyNumber(a.page);
      await a.page
        .locator(`${tid('peer-panel')} ${tid('peer-crosscheck', '[data-state="cross-checked"]')}`)
        .waitFor();
      await safetyNumber(c.page);
      await c.page
        .locator(`${tid('peer-panel')} ${tid('peer-crosscheck', '[data-state="cross-checked"]')}`)
        .waitFor();
    } finally {
      await c.context.close();
    }
  });
});
