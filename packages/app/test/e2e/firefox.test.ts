// The QR and short-code journeys between Debian's Firefox ESR (puppeteer-core over WebDriver BiDi) and
// Chromium, in both roles. Each journey pairs two fresh profiles and ends with the same 60-digit safety
// number on both sides, the DTLS fingerprint check verified on both, and chat crossing both ways over the
// WebRTC data channel.
// Scanning: when Chromium scans, its camera (a fake device playing a picture of Firefox's screen) feeds the
// app's real camera path. Firefox's fake camera can only show its own test pattern, so when Firefox scans
// it takes the other route the Scan screen offers a real user: choosing a picture of the code (a
// screenshot of Chromium's QR), which the app decodes in Firefox.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAppOnce } from '../support/build.ts';
import { launchChromiumSeeing } from '../support/camera.ts';
import { E2E_TEST_MS, launchChromium, openPage } from '../support/chromium.ts';
import { type FirefoxBrowser, launchFirefox, openFirefoxPage } from '../support/firefox.ts';
import {
  chat,
  createChannel,
  dataChannelOpen,
  openPublicChannel,
  safetyNumber,
  showCode,
  showInviteQr,
  tid,
  typeCode,
} from '../support/flows.ts';
import { type AnyPage, appPage } from '../support/page.ts';
import { decodeQrPng } from '../support/qr.ts';
import { startStack, type TestStack } from '../support/server.ts';

describe('Firefox ESR and Chromium pair both ways', { timeout: E2E_TEST_MS }, () => {
  let stack: TestStack;
  let firefox: FirefoxBrowser;
  let chromium: Browser;
  const tmp = mkdtempSync(join(tmpdir(), 'sealpeer-firefox-e2e-'));

  beforeAll(async () => {
    stack = await startStack(await buildAppOnce());
    firefox = await launchFirefox();
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await firefox?.close();
    await chromium?.close();
    await stack?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  /** Both sides show the same safety number, the data channel opens, and chat crosses both ways. */
  async function expectPaired(a: AnyPage, b: AnyPage): Promise<void> {
    const [na, nb] = await Promise.all([safetyNumber(a), safetyNumber(b)]);
    expect(na).toMatch(/^\d{60}$/);
    expect(nb).toBe(na);
    await Promise.all([dataChannelOpen(a), dataChannelOpen(b)]);
    // The DTLS fingerprint check passed on both sides (docs/protocol.md 2.10): Firefox shows no remote
    // certificate in getStats(), so there it is the RTCDtlsTransport.getRemoteCertificates() fallback.
    for (const p of [a, b]) await appPage(p).waitFor(tid('peer-panel', '[data-dtls="verified"]'));
    const [from, to] = [appPage(a).browserName, appPage(b).browserName];
    await chat(a, b, `hello ${to}, ${from} here`);
    await chat(b, a, `hi ${from}, ${to} answering`);
  }

  it('a missing Firefox fails with the install line (never a silent skip)', async () => {
    await expect(launchFirefox(join(tmp, 'no-firefox-esr'))).rejects.toThrow(
      'is missing: install it with: sudo apt-get install -y firefox-esr',
    );
  });

  it('QR: Firefox invites, Chromium scans the QR on Firefox’s screen with its camera', async () => {
    const inviter = await openFirefoxPage(firefox);
    await createChannel(inviter.app, stack.url);
    await showInviteQr(inviter.app);
    const screen = await inviter.app.screenshot();
    // The picture the camera will see holds the invite shown as a link beside the QR.
    const link = await inviter.app.value(tid('invite-link'));
    expect(decodeQrPng(screen)).toBe(link);
    expect(link.startsWith(`${stack.url}/p#`)).toBe(true);
    const camera = await launchChromiumSeeing(screen);
    try {
      const joiner = await openPage(camera.browser, { width: 390, height: 844 });
      await joiner.page.goto(`${stack.url}/#/scan`);
      await joiner.page.locator(tid('scan-camera')).click();
      await expectPaired(inviter.app, joiner.page);
      expect(inviter.problems).toEqual([]);
    } finally {
      await camera.close();
      await inviter.context.close();
    }
  });

  it('QR: Chromium invites, Firefox chooses a picture of Chromium’s QR on its Scan screen', async () => {
    const inviter = await openPage(chromium);
    const joiner = await openFirefoxPage(firefox, { width: 390, height: 844 });
    try {
      await createChannel(inviter.page, stack.url);
      await showInviteQr(inviter.page);
      const picture = join(tmp, 'chromium-invite.png');
      const png = await appPage(inviter.page).screenshot(tid('invite-qr'));
      // The picture holds the invite shown as a link beside the QR.
      expect(decodeQrPng(png)).toBe(await inviter.page.locator(tid('invite-link')).inputValue());
      writeFileSync(picture, png);
      await joiner.app.goto(`${stack.url}/#/scan`);
      await joiner.app.setInputFile(tid('scan-file'), picture);
      await expectPaired(inviter.page, joiner.app);
      expect(joiner.problems).toEqual([]);
    } finally {
      await inviter.context.close();
      await joiner.context.close();
    }
  });

  /** `a` creates a public channel named `name` and shows a short code; `b` opens the channel, types it. */
  async function codeJourney(a: AnyPage, b: AnyPage, name: string): Promise<void> {
    const channelId = await createChannel(a, stack.url, { public: true, name });
    await openPublicChannel(b, stack.url, name);
    expect(appPage(b).url()).toContain(channelId);
    const code = await showCode(a);
    expect(code).toMatch(/^\d{3}-\d{6}$/);
    await typeCode(b, code);
    await expectPaired(a, b);
  }

  for (const firefoxShows of [true, false]) {
    const [shows, types] = firefoxShows ? ['Firefox', 'Chromium'] : ['Chromium', 'Firefox'];
    it(`short code: ${shows} shows the code, ${types} types it`, async () => {
      const ff = await openFirefoxPage(firefox);
      const cr = await openPage(chromium);
      try {
        const [a, b] = firefoxShows ? [ff.app, cr.page] : [cr.page, ff.app];
        await codeJourney(a, b, `${shows} shows`);
        expect(ff.problems).toEqual([]);
      } finally {
        await ff.context.close();
        await cr.context.close();
      }
    });
  }
});
