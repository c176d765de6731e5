// Page steps shared by the e2e flows: open the app, create a channel, read the invite QR off the screen,
// pair by short code, wait for a paired peer, chat. Selectors are the app's data-testid attributes. Steps
// taking an `AnyPage` run in Chromium (Playwright) and Firefox (Puppeteer) alike (support/page.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { type AnyPage, appPage } from './page.ts';
import { decodeQrPng } from './qr.ts';

export const tid = (id: string, extra = ''): string => `[data-testid="${id}"]${extra}`;

/** A saved contact's row on the Contacts screen, by name (`extra`: e.g. `[data-verified="true"]`). */
export const contactRow = (name: string, extra = ''): string =>
  `${tid('saved-contact')}${extra}:has-text("${name}")`;

/** Where to save README screenshots, when SEALPEER_SCREENSHOTS names a directory (npm run screenshots). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.SEALPEER_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Opens the app and creates a channel from Home; resolves once the relay connection is up. */
export async function createChannel(
  page: AnyPage,
  origin: string,
  opts: { public?: boolean; name?: string } = {},
): Promise<string> {
  const p = appPage(page);
  await p.goto(`${origin}/`);
  await p.waitFor(tid('screen-home'));
  if (opts.name) await p.fill(tid('channel-name'), opts.name);
  if (opts.public) await p.check(tid('channel-public'));
  await p.click(tid('create-channel'));
  await p.waitFor(tid('channel-status', '[data-state="connected"]'));
  const m = /#\/c\/([0-9a-f-]{36})/.exec(p.url());
  if (!m?.[1]) throw new Error(`not on a channel page: ${p.url()}`);
  return m[1];
}

/** On Home, opens the public channel listed under `name`; resolves once the relay connection is up. */
export async function openPublicChannel(page: AnyPage, origin: string, name: string): Promise<void> {
  const p = appPage(page);
  await p.goto(`${origin}/`);
  await p.clickText(`${tid('public-channel')} a`, name);
  await p.waitFor(tid('channel-status', '[data-state="connected"]'));
}

/** Shows the invite QR on `page`. */
export async function showInviteQr(page: AnyPage): Promise<void> {
  const p = appPage(page);
  await p.click(tid('show-invite'));
  await p.waitFor(tid('invite-qr'));
}

/** Shows the invite QR on `page` and decodes it from a screenshot, as a camera would. */
export async function readInviteQr(page: AnyPage): Promise<string> {
  await showInviteQr(page);
  return decodeQrPng(await appPage(page).screenshot());
}

/** Shows a short code on `page` (a channel page) and returns it, e.g. "123-456789". */
export async function showCode(page: AnyPage): Promise<string> {
  const p = appPage(page);
  await p.click(tid('show-code'));
  return p.text(tid('code-shown'));
}

/** Types `code` on `page` (the same channel) and submits it with the keyboard. */
export async function typeCode(page: AnyPage, code: string): Promise<void> {
  const p = appPage(page);
  await p.click(tid('type-code'));
  await p.fill(tid('code-input'), code);
  await p.press(tid('code-join'), 'Enter'); // keyboard-usable
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
export async function safetyNumber(page: AnyPage): Promise<string> {
  const p = appPage(page);
  const number = `${tid('peer-panel')} ${tid('safety-number')}`;
  await p.waitFor(number);
  return (await p.text(number)).replace(/\D/g, '');
}

/** Waits for the peer's WebRTC data channel to be open. */
export async function dataChannelOpen(page: AnyPage): Promise<void> {
  await appPage(page).waitFor(tid('rtc-state', '[data-state="open"]'));
}

/** Sends a chat line from `from` and waits until `to` shows it as the peer's line. */
export async function chat(from: AnyPage, to: AnyPage, text: string): Promise<void> {
  await typeChat(from, text);
  await peerLine(to, text);
}

/** Types and sends a chat line (without waiting for the other side). */
export async function typeChat(page: AnyPage, text: string): Promise<void> {
  const p = appPage(page);
  await p.fill(tid('chat-input'), text);
  await p.click(tid('chat-send'));
}

/** Waits until `page` shows `text` as a line from the peer. */
export async function peerLine(page: AnyPage, text: string): Promise<void> {
  await appPage(page).waitForFunction(
    ([sel, t]) => [...document.querySelectorAll(sel)].some((e) => e.textContent?.endsWith(`: ${t}`)),
    [tid('chat-peer'), text] as const,
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
