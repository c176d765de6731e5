// The post-connect DTLS fingerprint check (docs/protocol.md Part 2, 2.10) runs in the browser app, in a
// real Chromium: after a normal QR pairing both pages report the check `verified`; and when B's browser
// reports a remote certificate other than the one in the sealed SDP (what a man in the middle of DTLS
// would present), B refuses with `dtls_fingerprint_mismatch`, both pages show the integrity warning and
// chat never opens.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAppOnce } from '../support/build.ts';
import { E2E_TEST_MS, launchChromium, openPage, type TestPage } from '../support/chromium.ts';
import { createChannel, dataChannelOpen, readInviteQr, tid } from '../support/flows.ts';
import { startStack, type TestStack } from '../support/server.ts';

/** Makes getStats() report a foreign certificate fingerprint (before any page script). */
const FOREIGN_CERTIFICATE = `(() => {
  const orig = RTCPeerConnection.prototype.getStats;
  RTCPeerConnection.prototype.getStats = async function (...args) {
    const report = await orig.apply(this, args);
    const out = new Map();
    report.forEach((v, k) => out.set(k, v.type === 'certificate' ? { ...v, fingerprint: 'DE:AD:BE:EF' } : v));
    return out;
  };
})();`;

describe('DTLS fingerprint check in the app (Chromium)', { timeout: E2E_TEST_MS }, () => {
  let browser: Browser;
  let stack: TestStack;
  const pages: TestPage[] = [];

  beforeAll(async () => {
    stack = await startStack(await buildAppOnce());
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const pair = async (): Promise<[TestPage, TestPage]> => {
    const a = await openPage(browser);
    const b = await openPage(browser);
    pages.push(a, b);
    await createChannel(a.page, stack.url);
    return [a, b];
  };
  const panel = (p: TestPage) => p.page.locator(tid('peer-panel')).first();

  it('after pairing, both pages verified the remote DTLS fingerprint against the sealed SDP', async () => {
    const [a, b] = await pair();
    await b.page.goto(await readInviteQr(a.page));
    await Promise.all([dataChannelOpen(a.page), dataChannelOpen(b.page)]);
    for (const p of [a, b]) expect(await panel(p).getAttribute('data-dtls')).toBe('verified');
  });

  it('a remote certificate that is not the sealed one → dtls_fingerprint_mismatch, warning, no chat', async () => {
    const [a, b] = await pair();
    await b.context.addInitScript(FOREIGN_CERTIFICATE);
    await b.page.goto(await readInviteQr(a.page));
    await Promise.all([
      a.page.locator(tid('integrity-warning')).first().waitFor(),
      b.page.locator(tid('integrity-warning')).first().waitFor(),
    ]);
    expect(await b.page.locator(tid('integrity-warning-code')).first().textContent()).toMatch(
      /dtls_fingerprint_mismatch/,
    );
    expect(await a.page.locator(tid('integrity-warning-code')).first().textContent()).toMatch(
      /peer: dtls_fingerprint_mismatch/,
    );
    for (const p of [a, b]) {
      expect(await p.page.locator(tid('rtc-state', '[data-state="open"]')).count()).toBe(0);
      expect(await p.page.locator(tid('chat-input', ':enabled')).count()).toBe(0);
    }
  });
});
