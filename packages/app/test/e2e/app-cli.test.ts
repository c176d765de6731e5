// The browser app and the `sealpeer` CLI talk to each other (docs/protocol.md 2.12: one application-
// message format, sealed through the relay session): the app invites and the CLI joins, and the CLI
// invites and the app joins; each shows the other's text; and `sealpeer code show` pairs with the app
// typing the code in the printed channel. The CLI has no WebRTC: the app's direct link never opens, and
// that is neither a failure nor an alarm.
import {
  APP_TEXT_MAX_BYTES,
  type DecodedAppMessage,
  decodeAppMessage,
  encodeAppMessage,
  Identity,
  SealpeerClient,
} from '@sealpeer/client';
import { ready } from '@sealpeer/client/crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { runCli } from '../../../client/test/support/cli.ts';
import { buildAppOnce } from '../support/build.ts';
import { E2E_TEST_MS, launchChromium, openPage, type TestPage } from '../support/chromium.ts';
import { createChannel, readInviteQr, safetyNumber, tid } from '../support/flows.ts';
import { startStack, type TestStack } from '../support/server.ts';

/** Waits until `page` shows `text` as the peer's chat line. */
async function showsPeerLine(page: TestPage['page'], text: string): Promise<void> {
  await page.waitForFunction(
    ([sel, t]) =>
      [...document.querySelectorAll(sel as string)].some((e) => e.textContent?.endsWith(`: ${t}`)),
    [tid('chat-peer'), text],
  );
}

async function sendFromApp(page: TestPage['page'], text: string): Promise<void> {
  await page.locator(tid('chat-input', ':enabled')).fill(text);
  await page.locator(tid('chat-send')).click();
}

/** No alarm of any kind, and the direct link did not fail (it may only be connecting, or closed after BYE). */
async function noAlarm(t: TestPage): Promise<void> {
  expect(await t.page.locator(tid('integrity-warning')).count()).toBe(0);
  expect(await t.page.locator(tid('peer-error')).count()).toBe(0);
  expect(await t.page.locator(tid('rtc-state', '[data-state="failed"]')).count()).toBe(0);
  expect(t.problems).toEqual([]);
}

/** Polls `pred` (every 50 ms, up to 10 s); fails the test when it never holds. */
async function waitUntil(pred: () => boolean): Promise<void> {
  const end = Date.now() + 10_000;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A Node peer (the client library) that scans `uri` and records the application messages it gets. */
async function libraryPeer(uri: string) {
  await ready();
  const joined = await SealpeerClient.joinInvite(uri, {
    identity: Identity.generate(),
    WebSocket: WebSocket as never,
  });
  const session = joined.client.sessions()[0]!;
  const got: DecodedAppMessage[] = [];
  session.on('message', (b) => got.push(decodeAppMessage(b)));
  await joined.session;
  return { session, got, close: () => joined.client.close() };
}

describe('app ↔ CLI in Chromium', { timeout: E2E_TEST_MS }, () => {
  let browser: Browser;
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack(await buildAppOnce());
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('the app invites, `sealpeer join` joins: same safety number, texts cross both ways', async () => {
    const app = await openPage(browser);
    await createChannel(app.page, stack.url);
    const uri = await readInviteQr(app.page);
    const cli = runCli([
      'join',
      uri,
      '--json',
      '--ephemeral',
      '--send',
      'hello from the CLI',
      '--timeout',
      '40',
    ]);
    const paired = await cli.event('paired');
    expect(await safetyNumber(app.page)).toBe(paired.safetyNumber);
    await showsPeerLine(app.page, 'hello from the CLI');
    // The app (the responder) waits for an offer the CLI never makes: still only connecting.
    expect(await app.page.locator(tid('rtc-state')).getAttribute('data-state')).toBe('connecting');
    await sendFromApp(app.page, 'hello from the app');
    expect(await cli.exit).toBe(0);
    expect(cli.events).toContainEqual({ event: 'message', text: 'hello from the app' });
    expect(cli.events.some((e) => e.event === 'done')).toBe(true);
    // The CLI closed its session (BYE): the app says so, calmly.
    await app.page.locator(tid('chat-system'), { hasText: 'The peer ended the session.' }).waitFor();
    await noAlarm(app);
    await app.context.close();
  });

  it('`sealpeer invite` invites, the app opens its link: texts cross both ways', async () => {
    const cli = runCli([
      'invite',
      '--server',
      stack.url,
      '--json',
      '--ephemeral',
      '--send',
      'hello from the CLI inviter',
      '--timeout',
      '40',
    ]);
    const { uri } = await cli.event('invite');
    expect(String(uri).startsWith(`${stack.url}/p#`)).toBe(true);
    const app = await openPage(browser);
    await app.page.goto(String(uri));
    const paired = await cli.event('paired');
    expect(await safetyNumber(app.page)).toBe(paired.safetyNumber);
    await showsPeerLine(app.page, 'hello from the CLI inviter');
    // The app (the initiator) offered WebRTC; the CLI never answers: no failure, no alarm.
    expect(await app.page.locator(tid('rtc-state')).getAttribute('data-state')).toBe('connecting');
    await sendFromApp(app.page, 'hello from the app joiner');
    expect(await cli.exit).toBe(0);
    expect(cli.events).toContainEqual({ event: 'message', text: 'hello from the app joiner' });
    expect(cli.events.filter((e) => e.event === 'ignored' || e.event === 'integrity_error')).toEqual([]);
    await app.page.locator(tid('chat-system'), { hasText: 'The peer ended the session.' }).waitFor();
    await noAlarm(app);
    await app.context.close();
  });

  it('a peer that sends malformed, oversize and unknown messages: the app ignores them, shows the text, no alarm', async () => {
    const app = await openPage(browser);
    await createChannel(app.page, stack.url);
    const peer = await libraryPeer(await readInviteQr(app.page));
    try {
      await safetyNumber(app.page);
      const bad = [
        'not json',
        '["text","x"]',
        '{"t":"text","text":{"html":"<b>x</b>"}}',
        '{"t":"TEXT","text":"x"}',
        JSON.stringify({ t: 'text', text: 'x'.repeat(APP_TEXT_MAX_BYTES + 1) }),
        new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
      ];
      for (const m of bad) peer.session.send(m);
      peer.session.send('{"t":"sticker","id":1}'); // unknown type: ignored without a word
      peer.session.send(encodeAppMessage({ t: 'text', text: 'the real line' }));
      await showsPeerLine(app.page, 'the real line');
      const ignored = app.page.locator(tid('chat-system'), { hasText: 'Ignored a malformed message' });
      expect(await ignored.count()).toBe(bad.length);
      expect(await app.page.locator(tid('chat-peer')).count()).toBe(1);
      // The app acknowledged the real line, and only that one.
      const acks = () => peer.got.filter((d) => d.ok && d.message.t === 'ack');
      await waitUntil(() => acks().length > 0);
      expect(acks()).toHaveLength(1);
      // The session is still open: chat goes on.
      await sendFromApp(app.page, 'still here');
      const line = { ok: true, message: { t: 'text', text: 'still here' } };
      await waitUntil(() => peer.got.some((d) => JSON.stringify(d) === JSON.stringify(line)));
      await noAlarm(app);
    } finally {
      peer.close();
      await app.context.close();
    }
  });

  it('`sealpeer code show` prints a code and a channel link; the app opens the link and types the code', async () => {
    const cli = runCli([
      'code',
      'show',
      '--server',
      stack.url,
      '--json',
      '--ephemeral',
      '--send',
      'hello by code',
      '--timeout',
      '40',
    ]);
    const shown = await cli.event('code');
    const app = await openPage(browser);
    await app.page.goto(String(shown.channelLink));
    await app.page.locator(tid('channel-status', '[data-state="connected"]')).waitFor();
    await app.page.locator(tid('type-code')).click();
    await app.page.locator(tid('code-input')).fill(String(shown.code));
    await app.page.locator(tid('code-join')).click();
    const paired = await cli.event('paired');
    expect(await safetyNumber(app.page)).toBe(paired.safetyNumber);
    await showsPeerLine(app.page, 'hello by code');
    await sendFromApp(app.page, 'typed it');
    expect(await cli.exit).toBe(0);
    expect(cli.events).toContainEqual({ event: 'message', text: 'typed it' });
    await noAlarm(app);
    await app.context.close();
  });
});
