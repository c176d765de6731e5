// The QR flow through a hostile relay that flips one bit of one sealed frame's `data` (the inviter's
// first SEALED frame, its CONFIRM). Both pages must show the integrity warning, and no WebRTC data
// channel may open: the app never talks over a session that failed.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TEST_MS, type TestPage } from '../support/chromium.ts';
import {
  COUNT_PEER_CONNECTIONS,
  createChannel,
  readInviteQr,
  rtcCounts,
  screenshot,
  tid,
} from '../support/flows.ts';
import { flipDataByte, sealedFrameType } from '../support/relay-proxy.ts';
import type { TestStack } from '../support/server.ts';
import { closeWindows, openTwoWindows } from '../support/windows.ts';

const SEALED = 0x03;

describe('a relay that alters one byte of a sealed frame', { timeout: E2E_TEST_MS }, () => {
  let browser: Browser;
  let stack: TestStack;
  let a: TestPage;
  let b: TestPage;
  let tampered = 0;

  beforeAll(async () => {
    ({ stack, browser, a, b } = await openTwoWindows({
      stack: {
        tamper: (frame, dir) => {
          if (tampered > 0 || dir !== 'to-client' || sealedFrameType(frame) !== SEALED) return frame;
          const altered = flipDataByte(frame);
          if (altered === undefined) return frame;
          tampered += 1;
          return altered;
        },
      },
    }));
    for (const p of [a, b]) await p.context.addInitScript(COUNT_PEER_CONNECTIONS);
  });
  afterAll(() => closeWindows({ browser, stack }));

  it('both pages show the integrity warning and no data channel opens', async () => {
    await createChannel(a.page, stack.url);
    const uri = await readInviteQr(a.page);
    await b.page.goto(uri);
    await Promise.all([
      a.page.locator(tid('integrity-warning')).first().waitFor(),
      b.page.locator(tid('integrity-warning')).first().waitFor(),
    ]);
    expect(tampered).toBe(1);
    // The side that read the altered frame names the integrity reason; the other learns the peer aborted.
    const reasons = await Promise.all(
      [a, b].map((p) => p.page.locator(tid('integrity-warning-code')).first().textContent()),
    );
    expect(reasons.join(' ')).toMatch(/bad_tag/);
    await screenshot(b.page, 'tamper-integrity-warning');
    // Give a (wrongly) continuing negotiation time to show up, then check none happened.
    await a.page.waitForTimeout(1500);
    // The side that read the altered frame never starts WebRTC. The other side had already verified its
    // peer's CONFIRM and may have prepared a (silent) peer connection; it must never carry data.
    const victim = reasons[0]?.includes('reason: bad_tag') ? a : b;
    expect((await rtcCounts(victim.page)).pcs).toBe(0);
    for (const p of [a, b]) {
      expect((await rtcCounts(p.page)).openChannels).toBe(0);
      expect(await p.page.locator(tid('rtc-state', '[data-state="open"]')).count()).toBe(0);
      expect(await p.page.locator(tid('chat-input', ':enabled')).count()).toBe(0);
    }
    // Whatever was negotiated before the abort stayed sealed.
    expect(stack.proxy.frames.some((f) => /v=0|a=fingerprint|candidate:|ice-ufrag/.test(f.text))).toBe(false);
  });
});
