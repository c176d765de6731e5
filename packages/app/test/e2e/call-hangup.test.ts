// Calls that end on both sides (issue 14, item 7), in a real Chromium with two windows, B phone-sized:
// an incoming call shows a banner at the top of B's viewport; B answers; when A hangs up, the sealed
// `hangup` (docs/protocol.md 2.12) makes B stop its camera and microphone (tracks `ended`, no sender
// left) and say "Call ended"; a declined call ends A's side the same way.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TEST_MS, type TestPage } from '../support/chromium.ts';
import { chat, createChannel, dataChannelOpen, readInviteQr, safetyNumber, tid } from '../support/flows.ts';
import type { TestStack } from '../support/server.ts';
import { closeWindows, openTwoWindows } from '../support/windows.ts';

const PHONE = { width: 390, height: 844 };

/** Records every RTCPeerConnection and every getUserMedia track the page makes (before page scripts). */
const RECORD_MEDIA = `(() => {
  const Orig = window.RTCPeerConnection;
  window.__pcs = [];
  window.__tracks = [];
  window.RTCPeerConnection = class extends Orig {
    constructor(...args) { super(...args); window.__pcs.push(this); }
  };
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c) => {
    const s = await gum(c);
    window.__tracks.push(...s.getTracks());
    return s;
  };
})();`;

interface Media {
  tracks: string[];
  sending: number;
}

/** The page's own tracks' readyState and how many senders still carry a track. */
function media(p: TestPage['page']): Promise<Media> {
  return p.evaluate(() => {
    const w = window as unknown as { __pcs: RTCPeerConnection[]; __tracks: MediaStreamTrack[] };
    return {
      tracks: w.__tracks.map((t) => t.readyState),
      sending: w.__pcs.flatMap((pc) => pc.getSenders()).filter((s) => s.track !== null).length,
    };
  });
}

const callState = (p: TestPage['page'], state: string) =>
  p.locator(`${tid('peer-panel')} ${tid('call-state', `[data-state="${state}"]`)}`).waitFor();

describe('calls end on both sides (Chromium)', { timeout: E2E_TEST_MS }, () => {
  let browser: Browser;
  let stack: TestStack;
  let a: TestPage;
  let b: TestPage;

  beforeAll(async () => {
    ({ stack, browser, a, b } = await openTwoWindows({ bViewport: PHONE }));
    await a.context.addInitScript(RECORD_MEDIA);
    await b.context.addInitScript(RECORD_MEDIA);
  });
  afterAll(() => closeWindows({ browser, stack }));

  it('pairs by QR; chat crosses sealed; the direct link opens', async () => {
    await createChannel(a.page, stack.url);
    await b.page.goto(await readInviteQr(a.page));
    expect(await safetyNumber(b.page)).toBe(await safetyNumber(a.page));
    await Promise.all([dataChannelOpen(a.page), dataChannelOpen(b.page)]);
    await chat(a.page, b.page, 'call you?');
  });

  it('A calls: B sees an incoming-call banner inside its phone-sized viewport', async () => {
    // B scrolled to the top: the peer panel and its call button are below the fold at phone width.
    await b.page.evaluate(() => window.scrollTo(0, 0));
    await a.page.locator(tid('call-start')).click();
    const banner = b.page.locator(tid('incoming-call'));
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/Incoming call/);
    const box = await banner.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height);
    expect(box!.width).toBeLessThanOrEqual(PHONE.width);
    const callButton = await b.page.locator(tid('call-start')).boundingBox();
    expect(callButton!.y).toBeGreaterThan(PHONE.height); // the old cue alone would be out of sight
    expect(await b.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      PHONE.width,
    );
    const dir = process.env.SEALPEER_SCREENSHOTS;
    if (dir) {
      mkdirSync(dir, { recursive: true });
      await b.page.screenshot({ path: join(dir, 'call-1-incoming-phone.png') }); // the viewport, as seen
    }
    await callState(a.page, 'outgoing');
  });

  it('B answers from the banner: both in the call, each sees the other’s video', async () => {
    await b.page.locator(tid('call-answer')).click();
    await Promise.all([callState(a.page, 'active'), callState(b.page, 'active')]);
    await b.page.locator(tid('incoming-call')).waitFor({ state: 'detached' });
    for (const p of [a.page, b.page])
      await p.waitForFunction((sel) => {
        const v = document.querySelector(sel) as HTMLVideoElement | null;
        return v !== null && v.videoWidth > 0;
      }, tid('remote-video'));
    const mb = await media(b.page);
    expect(mb.tracks).toEqual(['live', 'live']);
    expect(mb.sending).toBe(2);
  });

  it('A hangs up: B stops its camera and microphone and shows "Call ended"', async () => {
    await a.page.locator(tid('call-start')).click(); // "End call"
    await callState(b.page, 'ended');
    expect(await b.page.locator(`${tid('peer-panel')} ${tid('call-state')}`).textContent()).toBe(
      'Call ended',
    );
    await b.page.locator(tid('chat-system'), { hasText: 'The peer ended the call.' }).waitFor();
    await b.page.waitForFunction(() => {
      const w = window as unknown as { __pcs: RTCPeerConnection[] };
      return w.__pcs.flatMap((pc) => pc.getSenders()).every((s) => s.track === null);
    });
    const mb = await media(b.page);
    expect(mb.tracks).toEqual(['ended', 'ended']);
    expect(mb.sending).toBe(0);
    const ma = await media(a.page);
    expect(ma.tracks).toEqual(['ended', 'ended']);
    expect(ma.sending).toBe(0);
    await callState(a.page, 'ended');
    // No video left on either side; chat still works.
    expect(await b.page.locator(`${tid('peer-panel')} .call.hidden`).count()).toBe(1);
    await chat(b.page, a.page, 'bye for now');
  });

  it('a declined call ends the caller’s side too', async () => {
    await a.page.locator(tid('call-start')).click();
    await b.page.locator(tid('incoming-call')).waitFor();
    await b.page.locator(tid('call-decline')).click();
    await callState(a.page, 'ended');
    await a.page.locator(tid('chat-system'), { hasText: 'The peer ended the call.' }).waitFor();
    const ma = await media(a.page);
    expect(ma.tracks.every((t) => t === 'ended')).toBe(true);
    expect(ma.sending).toBe(0);
    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
  });
});
