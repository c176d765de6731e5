// The relay goes away mid-chat and comes back (issue 14 item 6, docs/protocol.md 2.13), in a real
// Chromium: A and B pair and chat (chat lines are sealed APP messages through the relay, 2.12); the relay
// server stops; both windows say the relay connection is lost and reconnecting (never an attack warning),
// A's open invite pauses, and a line A sends meanwhile waits; the server restarts on the same port and
// data dir; both say connected again, the waiting line arrives, and the *sealed session* A–B carries
// chat and a call's renegotiation both ways; the invite shown before the outage still pairs a third
// window, without any warning.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TEST_MS, openPage, type TestPage } from '../support/chromium.ts';
import {
  chat,
  createChannel,
  dataChannelOpen,
  peerLine,
  readInviteQr,
  remoteVideoPlays,
  safetyNumber,
  screenshot,
  tid,
  typeChat,
} from '../support/flows.ts';
import { sealedFrameType } from '../support/relay-proxy.ts';
import type { TestStack } from '../support/server.ts';
import { closeWindows, openTwoWindows } from '../support/windows.ts';

/** Where this test keeps its screenshot of the reconnecting state (printed, to be looked at). */
const SHOTS = mkdtempSync(join(tmpdir(), 'sealpeer-relay-restart-'));

const relayState = (p: TestPage, state: string) =>
  p.page.locator(tid('channel-status', `[data-state="${state}"]`)).waitFor();

async function noWarnings(...pages: TestPage[]): Promise<void> {
  for (const p of pages) expect(await p.page.locator(tid('integrity-warning')).count()).toBe(0);
}

/** Sealed (type 0x03) frames the relay delivered to pages from frame index `from` on, by sender. */
function sealedDeliveredFrom(stack: TestStack, from: number): Map<string, number> {
  const bySender = new Map<string, number>();
  for (const f of stack.proxy.frames.slice(from)) {
    if (f.dir !== 'to-client' || sealedFrameType(f.text) !== 0x03) continue;
    const sender = (JSON.parse(f.text) as { from?: string }).from ?? '?';
    bySender.set(sender, (bySender.get(sender) ?? 0) + 1);
  }
  return bySender;
}

describe('the relay stops and restarts mid-chat (Chromium)', { timeout: E2E_TEST_MS }, () => {
  let browser: Browser;
  let stack: TestStack;
  let a: TestPage;
  let b: TestPage;
  let c: TestPage | undefined;
  let staleUri = '';

  beforeAll(async () => {
    ({ stack, browser, a, b } = await openTwoWindows());
  });
  afterAll(() => closeWindows({ browser, stack }));

  it('A and B pair by QR and chat', async () => {
    await createChannel(a.page, stack.url);
    await b.page.goto(await readInviteQr(a.page));
    const [na, nb] = await Promise.all([safetyNumber(a.page), safetyNumber(b.page)]);
    expect(nb).toBe(na);
    await Promise.all([dataChannelOpen(a.page), dataChannelOpen(b.page)]);
    await relayState(b, 'connected');
    await chat(a.page, b.page, 'before the outage');
  });

  it('the relay stops: both windows say reconnecting, A’s new invite pauses, no warning anywhere', async () => {
    await a.page.locator(tid('show-invite')).click();
    await a.page.locator(tid('invite-countdown', '[data-state="live"]')).waitFor();
    staleUri = await a.page.locator(tid('invite-link')).inputValue();
    await stack.stopServer();
    await Promise.all([relayState(a, 'reconnecting'), relayState(b, 'reconnecting')]);
    expect(await a.page.locator(tid('channel-status')).textContent()).toMatch(/reconnecting/i);
    expect(await a.page.locator(tid('channel-status')).textContent()).not.toMatch(/^Connected/);
    await a.page.locator(tid('invite-countdown', '[data-state="paused"]')).waitFor();
    expect(await a.page.locator(tid('invite-qr')).isVisible()).toBe(false);
    expect(await a.page.locator(tid('invite-link')).isVisible()).toBe(false);
    // Still reconnecting after several failed attempts against the stopped server.
    await a.page.waitForTimeout(3000);
    expect(await a.page.locator(tid('channel-status')).getAttribute('data-state')).toBe('reconnecting');
    // A line typed while the relay is away waits (sealed, counter taken, queued) for the relay.
    await typeChat(a.page, 'typed while the relay was away');
    await a.page.locator(tid('chat-me')).filter({ hasText: 'typed while the relay was away' }).waitFor();
    await noWarnings(a, b);
    const shot = join(SHOTS, 'relay-reconnecting.png');
    await a.page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot of the reconnecting state: ${shot}`);
    await screenshot(a.page, 'relay-reconnecting');
  });

  it('the relay restarts (same port, same data dir): both say connected, and the sealed session carries messages both ways', async () => {
    const mark = stack.proxy.frames.length;
    await stack.restartServer();
    await Promise.all([relayState(a, 'connected'), relayState(b, 'connected')]);
    await a.page.locator(tid('invite-countdown', '[data-state="live"]')).waitFor();
    expect(await a.page.locator(tid('invite-qr')).isVisible()).toBe(true);
    expect(await a.page.locator(tid('invite-link')).inputValue()).toBe(staleUri);
    await peerLine(b.page, 'typed while the relay was away');
    await chat(a.page, b.page, 'after the restart');
    await chat(b.page, a.page, 'B still here');
    // A call renegotiates through the sealed session: A's offer and B's answer are SEALED frames that
    // cross the restarted relay, in the session's counter order (a gap or replay would fail it).
    await a.page.locator(tid('call-start')).click();
    await remoteVideoPlays(b.page);
    const bySender = sealedDeliveredFrom(stack, mark);
    expect([...bySender.values()].filter((n) => n > 0).length).toBe(2);
    for (const p of [a, b]) expect(await p.page.locator(tid('peer-error')).count()).toBe(0);
    await noWarnings(a, b);
  });

  it('the invite shown before the outage pairs a third window after the relay returned, without a warning', async () => {
    c = await openPage(browser);
    await c.page.goto(staleUri);
    const nc = await safetyNumber(c.page);
    expect(nc).toMatch(/^\d{60}$/);
    await a.page.waitForFunction(
      ([sel, digits]) =>
        [...document.querySelectorAll(sel as string)].some(
          (e) => (e.textContent ?? '').replace(/\D/g, '') === digits,
        ),
      [tid('safety-number'), nc],
    );
    await noWarnings(a, b, c);
  });
});
