// The QR flow through a hostile relay that flips one bit of one sealed frame's `data` (the inviter's
// first SEALED frame, its CONFIRM). Both pages must show the integrity warning, and no WebRTC connection
// may be created: the app never talks over a session that failed.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAppOnce } from '../support/build.ts';
import { launchChromium, openPage, type TestPage } from '../support/chromium.ts';
import { COUNT_PEER_CONNECTIONS, createChannel, readInviteQr, screenshot, tid } from '../support/flows.ts';
import { flipDataByte, sealedFrameType } from '../support/relay-proxy.ts';
import { startStack, type TestStack } from '../support/server.ts';

const SEALED = 0x03;

describe('a relay that alters one byte of a sealed frame', () => {
  let browser: Browser;
  let stack: TestStack;
  let a: TestPage;
  let b: TestPage;
  let tampered = 0;

  beforeAll(async () => {
    stack = await startStack(await buildAppOnce(), (frame, dir) => {
      if (tampered > 0 || dir !== 'to-client' || sealedFrameType(frame) !== SEALED) return frame;
      const altered = flipDataByte(frame);
      if (altered === undefined) return frame;
      tampered += 1;
      return altered;
    });
    browser = await launchChromium();
    a = await openPage(browser);
    b = await openPage(browser);
    for (const p of [a, b]) await p.context.addInitScript(COUNT_PEER_CONNECTIONS);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('both pages show the integrity warning and no peer connection is made', async () => {
    await createChannel(a.page, stack.url);
    const uri = await readInviteQr(a.page);
    await b.page.goto(uri);
    await Promise.all([
      a.page.locator(tid('integrity-warning')).first().waitFor({ timeout: 20_000 }),
      b.page.locator(tid('integrity-warning')).first().waitFor({ timeout: 20_000 }),
    ]);
    expect(tampered).toBe(1);
    // The side that read the altered frame names the integrity reason; the other learns the peer aborted.
    const reasons = await Promise.all(
      [a, b].map((p) => p.page.locator(tid('integrity-warning-code')).first().textContent()),
    );
    expect(reasons.join(' ')).toMatch(/bad_tag|handshake_failed|malformed/);
    await screenshot(b.page, 'pair-4-integrity-warning');
    // Give a (wrongly) continuing negotiation time to show up, then check none happened.
    await a.page.waitForTimeout(1500);
    for (const p of [a, b]) {
      expect(
        await p.page.evaluate(() => (window as unknown as { __sealpeerPcs: number }).__sealpeerPcs),
      ).toBe(0);
      expect(await p.page.locator(tid('rtc-state', '[data-state="open"]')).count()).toBe(0);
      expect(
        await p.page
          .locator(tid('chat-input'))
          .isDisabled()
          .catch(() => true),
      ).toBe(true);
    }
  });
});
