// The main flow in a real Chromium: A creates a channel and shows its invite QR; the test reads the QR off
// A's screen and B opens it; both show the same safety number; the WebRTC data channel opens; chat lines
// cross both ways; a call gets the other side's video. The relay's record (every WebSocket frame through
// the recording proxy) holds no SDP or ICE in clear, and no HTTP request carries the invite secret.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TEST_MS, type TestPage } from '../support/chromium.ts';
import {
  chat,
  createChannel,
  dataChannelOpen,
  readInviteQr,
  remoteVideoPlays,
  safetyNumber,
  screenshot,
  tid,
} from '../support/flows.ts';
import type { TestStack } from '../support/server.ts';
import { closeWindows, openTwoWindows } from '../support/windows.ts';

const SDP_OR_ICE = ['v=0', 'a=fingerprint', 'candidate:', 'ice-ufrag'];

describe('pairing by QR in Chromium', { timeout: E2E_TEST_MS }, () => {
  let browser: Browser;
  let stack: TestStack;
  let a: TestPage;
  let b: TestPage;
  let uri = '';

  beforeAll(async () => {
    // B is a phone-sized window.
    ({ stack, browser, a, b } = await openTwoWindows({ bViewport: { width: 390, height: 844 } }));
  });
  afterAll(() => closeWindows({ browser, stack }));

  it('A shows an invite QR whose text is the link beside it, with an expiry countdown', async () => {
    await createChannel(a.page, stack.url);
    uri = await readInviteQr(a.page);
    expect(uri.startsWith(`${stack.url}/p#`)).toBe(true);
    expect(await a.page.locator(tid('invite-link')).inputValue()).toBe(uri);
    expect(await a.page.locator(tid('invite-countdown')).textContent()).toMatch(/Expires in (9|10):\d\d/);
    await screenshot(a.page, 'pair-1-invite-qr');
  });

  it('B opens the scanned link; both show the same 60-digit safety number', async () => {
    await b.page.goto(uri);
    // The one-time secret leaves the address bar as soon as the app has read it.
    await b.page.waitForFunction(() => !location.href.includes('/p#'));
    const [na, nb] = await Promise.all([safetyNumber(a.page), safetyNumber(b.page)]);
    expect(na).toMatch(/^\d{60}$/);
    expect(nb).toBe(na);
    for (const p of [a.page, b.page]) {
      expect(await p.locator(`${tid('peer-panel')} ${tid('peer-trust')}`).getAttribute('data-state')).toBe(
        'unverified',
      );
    }
    // The phone-sized window shows it all without sideways scrolling.
    expect(await b.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(b.page, 'pair-2-safety-number-phone');
  });

  it('the data channel opens and chat crosses both ways, peer text shown as text', async () => {
    await Promise.all([dataChannelOpen(a.page), dataChannelOpen(b.page)]);
    await chat(a.page, b.page, 'hello from A');
    await chat(b.page, a.page, 'hi A, B here');
    const markup = '<img src=x data-evil=1><b>bold</b>';
    await chat(b.page, a.page, markup);
    expect(await a.page.locator('[data-evil], b').count()).toBe(0);
    await screenshot(a.page, 'pair-3-chat');
  });

  it('marking the peer verified shows on its badge', async () => {
    await a.page.locator(tid('mark-verified')).click();
    await a.page.locator(`${tid('peer-panel')} ${tid('peer-trust', '[data-state="verified"]')}`).waitFor();
  });

  it('an audio/video call: A calls, B sees A’s video and answers, A sees B’s video', async () => {
    await a.page.locator(tid('call-start')).click();
    await remoteVideoPlays(b.page);
    expect(await b.page.locator(tid('call-start')).textContent()).toMatch(/Answer/);
    await b.page.locator(tid('call-start')).click();
    await remoteVideoPlays(a.page);
    await screenshot(a.page, 'pair-4-call');
  });

  it('the relay saw only sealed frames and no request carried the invite secret', () => {
    const frames = stack.proxy.frames;
    expect(frames.filter((f) => f.text.includes('"data"')).length).toBeGreaterThanOrEqual(6);
    for (const f of frames) {
      for (const needle of SDP_OR_ICE)
        expect(f.text.includes(needle), `${needle} in ${f.text.slice(0, 80)}`).toBe(false);
    }
    const secret = new URL(uri).hash.slice(1);
    expect(secret.length).toBeGreaterThan(100);
    expect(stack.proxy.requests.some((r) => r.includes(secret) || r.includes(secret.slice(0, 24)))).toBe(
      false,
    );
    expect(a.problems.filter((p) => p.includes('Content Security Policy'))).toEqual([]);
    expect(b.problems.filter((p) => p.includes('Content Security Policy'))).toEqual([]);
  });
});
