// "Hide my IP address from peers" (issue 15 §6; docs/threat-model.md "What a peer learns about me"), for
// real: Debian's coturn on loopback with a REST-API shared secret (test-support/coturn.ts), the server
// issuing credentials for it (GET /api/turn), Debian's Chromium with two browser contexts per case.
// What a page *receives* is recorded in the page itself (the relay only carries sealed frames): an init
// script wraps RTCPeerConnection.setRemoteDescription/addIceCandidate. With the setting on, every SDP and
// candidate the peer receives is `typ relay` and names none of this machine's interface addresses, and
// getStats() shows relay candidates only on the hiding side; chat and a call still connect. The control
// (setting off) receives host candidates, so these assertions can fail. With the setting on and no TURN
// on the server, no RTCPeerConnection is made at all and the page says so; chat still works.
import { networkInterfaces } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CoturnInstance, startCoturn } from '../../../../test-support/coturn.ts';
import { buildAppOnce } from '../support/build.ts';
import { E2E_TEST_MS, launchChromium, openPage, type TestPage } from '../support/chromium.ts';
import {
  chat,
  createChannel,
  dataChannelOpen,
  readInviteQr,
  remoteVideoPlays,
  safetyNumber,
  tid,
} from '../support/flows.ts';
import { startStack, type TestStack } from '../support/server.ts';

/** Records what each RTCPeerConnection of the page is given by the peer, and the configs it was made with. */
const RECORD_RECEIVED = `(() => {
  const Orig = window.RTCPeerConnection;
  window.__pcs = [];
  window.__policies = [];
  window.__received = [];
  window.RTCPeerConnection = class extends Orig {
    constructor(...args) {
      super(...args);
      window.__pcs.push(this);
      window.__policies.push((args[0] && args[0].iceTransportPolicy) || 'all');
    }
    setRemoteDescription(d) {
      if (d && typeof d.sdp === 'string') window.__received.push({ what: 'sdp', text: d.sdp });
      return super.setRemoteDescription(d);
    }
    addIceCandidate(c) {
      if (c && typeof c.candidate === 'string') window.__received.push({ what: 'candidate', text: c.candidate });
      return super.addIceCandidate(c);
    }
  };
})();`;

interface Received {
  /** ICE transport policy each RTCPeerConnection was made with. */
  policies: string[];
  /** Every candidate the page received, from SDP `a=candidate` lines and trickled candidates alike. */
  candidates: string[];
  /** All received SDP and candidate text, joined (for address checks). */
  text: string;
  sdps: number;
}

async function received(page: Page): Promise<Received> {
  const r = await page.evaluate(() => {
    const w = window as unknown as {
      __policies: string[];
      __received: Array<{ what: string; text: string }>;
    };
    return { policies: w.__policies, received: w.__received };
  });
  const candidates = r.received.flatMap((x) =>
    x.what === 'candidate'
      ? [x.text]
      : x.text
          .split(/\r?\n/)
          .filter((l) => l.startsWith('a=candidate:'))
          .map((l) => l.slice(2)),
  );
  return {
    policies: r.policies,
    candidates,
    text: r.received.map((x) => x.text).join('\n'),
    sdps: r.received.filter((x) => x.what === 'sdp').length,
  };
}

const typeOf = (candidate: string): string => / typ (\S+)/.exec(candidate)?.[1] ?? '?';

interface PathStats {
  /** Local and remote candidate types of each connected transport's selected pair. */
  selected: Array<{ local: string; remote: string }>;
  /** Types of every local candidate the page gathered. */
  localTypes: string[];
}

/** getStats() of the page's connected RTCPeerConnections. */
function pathStats(page: Page): Promise<PathStats> {
  return page.evaluate(async () => {
    const w = window as unknown as { __pcs: RTCPeerConnection[] };
    const selected: Array<{ local: string; remote: string }> = [];
    const localTypes: string[] = [];
    for (const pc of w.__pcs) {
      if (pc.connectionState !== 'connected') continue;
      const byId = new Map<string, Record<string, unknown>>();
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        byId.set(s.id as string, s);
      });
      for (const s of byId.values()) {
        if (s.type === 'local-candidate') localTypes.push(String(s.candidateType));
        if (s.type !== 'transport' || typeof s.selectedCandidatePairId !== 'string') continue;
        const pair = byId.get(s.selectedCandidatePairId);
        const local = byId.get(String(pair?.localCandidateId));
        const remote = byId.get(String(pair?.remoteCandidateId));
        selected.push({ local: String(local?.candidateType), remote: String(remote?.candidateType) });
      }
    }
    return { selected, localTypes };
  });
}

/** This machine's non-loopback addresses: a hiding page's peer must never receive any of them. */
const OWN_ADDRESSES = Object.values(networkInterfaces())
  .flat()
  .filter((i) => i !== undefined && !i.internal)
  .map((i) => i!.address.split('%')[0]!);

/** What a peer received from a side that hides its IP address: relay candidates only, no own address. */
function expectRelayOnly(r: Received): void {
  expect(r.sdps).toBeGreaterThan(0);
  expect(r.candidates.length).toBeGreaterThan(0);
  expect(r.candidates.map(typeOf).filter((t) => t !== 'relay')).toEqual([]);
  for (const c of r.candidates) expect(c).toMatch(/ raddr 0\.0\.0\.0 rport 0\b|typ relay(?! raddr)/);
  for (const a of OWN_ADDRESSES) expect(r.text).not.toContain(a);
}

async function setGlobalHideIp(page: Page, origin: string, on: boolean): Promise<void> {
  await page.goto(`${origin}/#/device`);
  const box = page.locator(tid('hide-ip-global'));
  if ((await box.isChecked()) !== on) await box.click();
  if (on) await page.locator(tid('hide-ip-status')).filter({ hasText: 'Saved' }).waitFor();
}

describe('Hide my IP address from peers (Chromium, real coturn)', { timeout: E2E_TEST_MS }, () => {
  let coturn: CoturnInstance;
  let stack: TestStack;
  let browser: Browser;
  const pages: TestPage[] = [];
  const open = async (): Promise<TestPage> => {
    const p = await openPage(browser);
    await p.context.addInitScript(RECORD_RECEIVED);
    pages.push(p);
    return p;
  };

  beforeAll(async () => {
    coturn = await startCoturn();
    stack = await startStack(await buildAppOnce(), {
      keyshare: true,
      turn: { secret: coturn.secret, urls: [coturn.url] },
    });
    // Chromium leaves the loopback interface out of WebRTC unless told: coturn listens and relays on
    // 127.0.0.1 here (tests touch loopback only). It reached it without the switch on a machine with
    // another interface (the allocation is sent from that one), but on a machine whose only interface
    // is `lo` there would be no network to allocate a relay from. It also adds loopback host candidates
    // to the control case, which is what a control should show.
    browser = await launchChromium(['--allow-loopback-in-peer-connection']);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await coturn?.stop();
  });

  it('a contact found on a keyshare: relay only by default; chat and a call connect', async () => {
    const [a, b] = [await open(), await open()];
    await b.page.goto(`${stack.url}/#/contacts`);
    await b.page.locator(tid('keyshare-verifier')).fill(stack.keyshare!.verifierKey);
    await b.page.locator(tid('own-handle')).fill('bob.hidden');
    await b.page.locator(tid('own-publish')).click();
    await b.page.locator(tid('own-published')).waitFor();
    await a.page.goto(`${stack.url}/#/contacts`);
    await a.page.locator(tid('keyshare-verifier')).fill(stack.keyshare!.verifierKey);
    await a.page.locator(tid('contact-handle')).fill('bob.hidden');
    await a.page.locator(tid('contact-lookup')).click();
    await a.page.locator(tid('lookup-save')).click();
    await a.page.locator(tid('lookup-chat')).click();
    await b.page.locator(tid('request-name')).fill('Alice');
    await b.page.locator(tid('request-accept')).click();
    await Promise.all([dataChannelOpen(a.page), dataChannelOpen(b.page)]);
    expect(await safetyNumber(b.page)).toBe(await safetyNumber(a.page));
    await chat(a.page, b.page, 'hello from behind the relay');
    await chat(b.page, a.page, 'same here');
    for (const p of [a.page, b.page]) {
      await p.locator(tid('peer-ip', '[data-state="hidden"]')).waitFor();
      const r = await received(p);
      expect(r.policies).toEqual(['relay']);
      expectRelayOnly(r);
      const s = await pathStats(p);
      expect(s.selected).toEqual([{ local: 'relay', remote: 'relay' }]);
      expect(new Set(s.localTypes)).toEqual(new Set(['relay']));
    }
    // A call renegotiates (new SDP, possibly with gathered candidates in it): still relay only.
    // (The contact chat screen has no incoming-call banner: B answers with the panel's call button.)
    await a.page.locator(tid('call-start')).click();
    await b.page.locator(tid('call-state', '[data-state="incoming"]')).waitFor();
    await b.page.locator(tid('call-start')).click();
    await Promise.all([remoteVideoPlays(a.page), remoteVideoPlays(b.page)]);
    for (const p of [a.page, b.page]) {
      const r = await received(p);
      expect(r.sdps).toBeGreaterThan(1);
      expectRelayOnly(r);
      expect((await pathStats(p)).selected).toEqual([{ local: 'relay', remote: 'relay' }]);
    }
    // The Contacts screen shows the keyshare default for this contact.
    await a.page.goto(`${stack.url}/#/contacts`);
    const choice = a.page.locator(`${tid('saved-contact')} label:has(${tid('contact-hide-ip')})`);
    expect(await choice.getAttribute('data-on')).toBe('true');
    expect(await a.page.locator(tid('contact-hide-ip')).inputValue()).toBe('default');
    // The user may turn it off for this contact; the choice is kept across a reload.
    await a.page.locator(tid('contact-hide-ip')).selectOption('off');
    await a.page.locator(`${tid('saved-contact')} label[data-on="false"]`).waitFor();
    await a.page.reload();
    expect(await a.page.locator(tid('contact-hide-ip')).inputValue()).toBe('off');
    expect(await choice.getAttribute('data-on')).toBe('false');
    for (const p of [a, b]) expect(p.problems).toEqual([]);
  });

  it('QR pairing, C hides (Device setting), D does not: D receives relay only, C receives host (control)', async () => {
    const [c, d] = [await open(), await open()];
    await setGlobalHideIp(c.page, stack.url, true);
    // Persisted: a reload still has it on.
    await c.page.reload();
    expect(await c.page.locator(tid('hide-ip-global')).isChecked()).toBe(true);
    await createChannel(c.page, stack.url);
    await d.page.goto(await readInviteQr(c.page));
    expect(await safetyNumber(d.page)).toBe(await safetyNumber(c.page));
    await Promise.all([dataChannelOpen(c.page), dataChannelOpen(d.page)]);
    await chat(c.page, d.page, 'you cannot see where I am');
    await c.page.locator(tid('peer-ip', '[data-state="hidden"]')).waitFor();
    await d.page.locator(tid('peer-ip', '[data-state="visible"]')).waitFor();
    // What D got from C: relay only.
    const fromC = await received(d.page);
    expect(fromC.policies).toEqual(['all']);
    expectRelayOnly(fromC);
    // What C got from D (the control, setting off): host candidates, with this machine's addresses.
    const fromD = await received(c.page);
    expect(fromD.policies).toEqual(['relay']);
    expect(fromD.candidates.map(typeOf)).toContain('host');
    expect(OWN_ADDRESSES.some((a) => fromD.text.includes(a))).toBe(true);
    // C's side of the path is a relay candidate; C gathered nothing else.
    const sc = await pathStats(c.page);
    expect(sc.selected.map((p) => p.local)).toEqual(['relay']);
    expect(new Set(sc.localTypes)).toEqual(new Set(['relay']));
    // D's selected pair reaches C's relay address.
    expect((await pathStats(d.page)).selected.map((p) => p.remote)).toEqual(['relay']);
    for (const p of [c, d]) expect(p.problems).toEqual([]);
  });

  it('hiding on a server without TURN: no RTCPeerConnection at all, the page says so, chat still works', async () => {
    const plain = await startStack(await buildAppOnce());
    try {
      const [e, f] = [await open(), await open()];
      await setGlobalHideIp(e.page, plain.url, true);
      await e.page.locator(tid('hide-ip-no-turn')).waitFor();
      await createChannel(e.page, plain.url);
      await f.page.goto(await readInviteQr(e.page));
      expect(await safetyNumber(f.page)).toBe(await safetyNumber(e.page));
      await e.page.locator(tid('rtc-state', '[data-state="no-relay"]')).waitFor();
      await e.page.locator(tid('chat-system'), { hasText: 'this server offers no TURN relay' }).waitFor();
      await chat(e.page, f.page, 'sealed through the relay');
      await chat(f.page, e.page, 'got it');
      expect((await received(e.page)).policies).toEqual([]); // never built one: nothing gathered, nothing sent
      const fromE = await received(f.page);
      expect(fromE.candidates).toEqual([]);
      expect(await e.page.locator(tid('call-start')).isDisabled()).toBe(true);
      for (const p of [e, f]) expect(p.problems).toEqual([]);
    } finally {
      await plain.close();
    }
  });
});
