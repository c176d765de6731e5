// Page steps shared by the e2e flows: open the app, create a channel, read the invite QR off the screen,
// wait for a paired peer, chat. Selectors are the app's data-testid attributes.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { decodeQrPng } from './qr.ts';

export const tid = (id: string, extra = ''): string => `[data-testid="${id}"]${extra}`;

/** Where to save README screenshots, when SEALPEER_SCREENSHOTS names a directory (npm run screenshots). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.SEALPEER_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Opens the app and creates a channel from Home; resolves once the relay connection is up. */
export async function createChannel(
  page: Page,
  origin: string,
  opts: { public?: boolean; name?: string } = {},
): Promise<string> {
  await page.goto(`${origin}/`);
  await page.locator(tid('screen-home')).waitFor();
  if (opts.name) await page.locator(tid('channel-name')).fill(opts.name);
  if (opts.public) await page.locator(tid('channel-public')).check();
  await page.locator(tid('create-channel')).click();
  await page.locator(tid('channel-status', '[data-state="connected"]')).waitFor();
  const m = /#\/c\/([0-9a-f-]{36})/.exec(page.url());
  if (!m?.[1]) throw new Error(`not on a channel page: ${page.url()}`);
  return m[1];
}

/** Shows the invite QR on `page` and decodes it from a screenshot, as a camera would. */
export async function readInviteQr(page: Page): Promise<string> {
  await page.locator(tid('show-invite')).click();
  const qr = page.locator(tid('invite-qr'));
  await qr.waitFor();
  return decodeQrPng(await page.screenshot());
}

/** On the Device screen: replaces this device's identity (the page reloads) and waits for the screen. */
export async function replaceIdentity(page: Page): Promise<void> {
  await Promise.all([
    page.waitForEvent('load'),
    page
      .locator(tid('replace-identity'))
      .click()
      .then(() => page.locator(tid('replace-identity-confirm')).click()),
  ]);
  await page.locator(tid('screen-device')).waitFor();
}

/** Waits until the selected peer's sealed session is open and returns its safety number (digits only). */
export async function safetyNumber(page: Page): Promise<string> {
  const el = page.locator(`${tid('peer-panel')} ${tid('safety-number')}`);
  await el.waitFor();
  return ((await el.textContent()) ?? '').replace(/\D/g, '');
}

/** Waits for the peer's WebRTC data channel to be open. */
export async function dataChannelOpen(page: Page): Promise<void> {
  await page.locator(tid('rtc-state', '[data-state="open"]')).waitFor();
}

/** Sends a chat line from `from` and waits until `to` shows it as the peer's line. */
export async function chat(from: Page, to: Page, text: string): Promise<void> {
  await typeChat(from, text);
  await peerLine(to, text);
}

/** Types and sends a chat line (without waiting for the other side). */
export async function typeChat(page: Page, text: string): Promise<void> {
  await page.locator(tid('chat-input')).fill(text);
  await page.locator(tid('chat-send')).click();
}

/** Waits until `page` shows `text` as a line from the peer. */
export async function peerLine(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    ([sel, t]) =>
      [...document.querySelectorAll(sel as string)].some((e) => e.textContent?.endsWith(`: ${t}`)),
    [tid('chat-peer'), text],
  );
}

/** Waits until the page's remote video shows frames (the call's media arrived). */
export async function remoteVideoPlays(page: Page): Promise<void> {
  await page.waitForFunction((sel) => {
    const v = document.querySelector(sel) as HTMLVideoElement | null;
    return v !== null && v.videoWidth > 0;
  }, tid('remote-video'));
}

/** Counts RTCPeerConnections the page creates and data channels that open (before any page script). */
export const COUNT_PEER_CONNECTIONS = `(() => {
  const Orig = window.RTCPeerConnection;
  window.__sealpeerPcs = 0;
  window.__sealpeerOpenChannels = 0;
  const watch = (dc) => dc.addEventListener('open', () => { window.__sealpeerOpenChannels += 1; });
  window.RTCPeerConnection = class extends Orig {
    constructor(...args) {
      super(...args);
      window.__sealpeerPcs += 1;
      this.addEventListener('datachannel', (ev) => watch(ev.channel));
    }
    createDataChannel(...args) {
      const dc = super.createDataChannel(...args);
      watch(dc);
      return dc;
    }
  };
})();`;

export interface RtcCounts {
  pcs: number;
  openChannels: number;
}

export function rtcCounts(page: Page): Promise<RtcCounts> {
  return page.evaluate(() => {
    const w = window as unknown as { __sealpeerPcs: number; __sealpeerOpenChannels: number };
    return { pcs: w.__sealpeerPcs, openChannels: w.__sealpeerOpenChannels };
  });
}
