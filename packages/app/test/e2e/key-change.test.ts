// A contact's key changes: A and B pair by QR; B replaces its identity (a new device, or an attacker
// at B's address); when B pairs again at the same address, A shows the key-change warning and blocks
// the peer — no WebRTC, no chat — until the user accepts the new key, showing the new safety number in
// two labelled halves as when pairing; B says it waits for A to review its new key (a sealed
// {"t":"review"} message, docs/protocol.md 2.13) instead of "connecting…". Once A accepts, A's banners
// go, B is told ({"t":"accepted"}), and they talk again.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TEST_MS, type TestPage } from '../support/chromium.ts';
import {
  COUNT_PEER_CONNECTIONS,
  chat,
  createChannel,
  dataChannelOpen,
  readInviteQr,
  replaceIdentity,
  rtcCounts,
  safetyNumber,
  screenshot,
  tid,
} from '../support/flows.ts';
import type { TestStack } from '../support/server.ts';
import { closeWindows, openTwoWindows } from '../support/windows.ts';

describe('key change of a known contact', { timeout: E2E_TEST_MS }, () => {
  let browser: Browser;
  let stack: TestStack;
  let a: TestPage;
  let b: TestPage;
  let firstNumber = '';
  let oldFingerprint = '';

  beforeAll(async () => {
    ({ stack, browser, a, b } = await openTwoWindows());
    await a.context.addInitScript(COUNT_PEER_CONNECTIONS);
  });
  afterAll(() => closeWindows({ browser, stack }));

  it('A and B pair by QR', async () => {
    await createChannel(a.page, stack.url);
    await b.page.goto(await readInviteQr(a.page));
    firstNumber = await safetyNumber(b.page);
    expect(await safetyNumber(a.page)).toBe(firstNumber);
    await Promise.all([dataChannelOpen(a.page), dataChannelOpen(b.page)]);
  });

  it('B replaces its identity (the Device screen shows a new fingerprint)', async () => {
    await b.page.locator(tid('nav-device')).click();
    oldFingerprint = (await b.page.locator(tid('device-fingerprint')).textContent()) ?? '';
    expect(oldFingerprint.replace(/\D/g, '')).toMatch(/^\d{30}$/);
    await replaceIdentity(b.page);
    const fresh = (await b.page.locator(tid('device-fingerprint')).textContent()) ?? '';
    expect(fresh.replace(/\D/g, '')).toMatch(/^\d{30}$/);
    expect(fresh).not.toBe(oldFingerprint);
  });

  it('when B pairs again (scanning a picture of the QR), A warns of the key change and blocks the peer', async () => {
    const before = await rtcCounts(a.page);
    await a.page.locator(tid('show-invite')).click();
    const picture = join(mkdtempSync(join(tmpdir(), 'sealpeer-qr-')), 'invite.png');
    await a.page.locator(tid('invite-qr')).screenshot({ path: picture });
    await b.page.locator(tid('nav-scan')).click();
    await b.page.locator(tid('scan-file')).setInputFiles(picture);
    await a.page.locator(tid('key-change-warning')).waitFor();
    const panel = a.page.locator(tid('peer-panel'));
    await panel.locator(tid('peer-trust', '[data-state="key-changed"]')).waitFor();
    expect(await panel.locator(tid('accept-key-change')).count()).toBe(1);
    // The new sealed session is open on B's side, but A starts no WebRTC with it while blocked.
    await b.page.locator(tid('safety-number')).waitFor();
    const secondNumber = await safetyNumber(b.page);
    expect(secondNumber).not.toBe(firstNumber);
    // A's key-change panel: the new pair's digits in two labelled halves, the same as B shows, with
    // A's own half labelled "This device" (it is the half B labels "The peer").
    expect(await safetyNumber(a.page)).toBe(secondNumber);
    const halves = async (p: typeof a.page): Promise<Record<string, string>> => {
      const out: Record<string, string> = {};
      for (const col of await p.locator(`${tid('peer-panel')} ${tid('safety-number')} > div`).all())
        out[(await col.locator('h3').textContent()) ?? '?'] = ((await col.textContent()) ?? '').replace(
          /\D/g,
          '',
        );
      return out;
    };
    const onA = await halves(a.page);
    const onB = await halves(b.page);
    expect(Object.keys(onA).sort()).toEqual(['The peer', 'This device']);
    expect(onA['This device']).toMatch(/^\d{30}$/);
    expect(onA['This device']).toBe(onB['The peer']);
    expect(onA['The peer']).toBe(onB['This device']);
    // B is told that A holds its new key for review, instead of "connecting…" forever.
    const bState = b.page.locator(tid('rtc-state', '[data-review="pending"]'));
    await bState.waitFor();
    expect(await bState.textContent()).toBe('waiting for the peer to review your new key');
    await a.page.waitForTimeout(1500);
    expect((await rtcCounts(a.page)).pcs).toBe(before.pcs);
    expect(await panel.locator(tid('chat-input', ':enabled')).count()).toBe(0);
    expect(await b.page.locator(tid('rtc-state', '[data-state="open"]')).count()).toBe(0);
    await screenshot(a.page, 'key-change-blocked');
  });

  it('after A accepts the new key, the data channel opens and chat works', async () => {
    expect(await a.page.locator(tid('key-change-warning')).count()).toBe(1);
    expect(await a.page.locator(tid('peer-error')).count()).toBe(1);
    await a.page.locator(tid('accept-key-change')).click();
    await a.page.locator(`${tid('peer-panel')} ${tid('peer-trust', '[data-state="unverified"]')}`).waitFor();
    // The "blocked" banners go once the key is accepted: the page's and the panel's.
    await a.page.locator(tid('key-change-warning')).waitFor({ state: 'detached' });
    expect(await a.page.locator(tid('peer-error')).count()).toBe(0);
    await b.page.locator(tid('rtc-state', '[data-review="none"]')).waitFor();
    await Promise.all([dataChannelOpen(a.page), dataChannelOpen(b.page)]);
    expect(await a.page.locator(tid('key-change-warning')).count()).toBe(0);
    expect(await b.page.locator(tid('chat-system')).allTextContents()).toContain(
      '·: The peer accepted your new key.',
    );
    await chat(b.page, a.page, 'new phone, same me');
    await chat(a.page, b.page, 'accepted');
  });
});
