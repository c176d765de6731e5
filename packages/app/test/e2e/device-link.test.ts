// Issue 15 §3 in a real Chromium, two browser contexts: device A has contacts (one verified through a
// keyshare lookup, one unverified) and a keyshare whose verifier key it pinned by pasting it once. The
// relay lists that keyshare's URL and, lying, offers its own keys in /api/config: B ignores them and
// knows no key. A shows "Link another device"; B scans the QR (decoded off A's screen), sees what it
// would import, imports on confirm, and then lists the same contacts with the same verified state and
// looks a handle up on the keyshare with no paste. The transfer crossed the relay sealed.
import { Identity, identityRecordKeys, KeyshareClient } from '@sealpeer/client';
import { toHex } from '@sealpeer/client/crypto';
import { fingerprintDigits, fingerprintHash, SEALPEER_STABLE_ID } from '@sealpeer/client/identity';
import * as keyshare from '@sealpeer/client/keyshare';
import { ready } from '@sealpeer/client/keyshare';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TEST_MS, type TestPage } from '../support/chromium.ts';
import { routeLyingConfig } from '../support/config-route.ts';
import { contactRow, screenshot, tid } from '../support/flows.ts';
import { decodeQrPng } from '../support/qr.ts';
import type { TestStack } from '../support/server.ts';
import { closeWindows, openTwoWindows } from '../support/windows.ts';

describe('link another device by QR: contacts and keyshare keys move, sealed', {
  timeout: E2E_TEST_MS,
}, () => {
  let browser: Browser;
  let stack: TestStack;
  let a: TestPage;
  let b: TestPage;
  let verifierKey = '';
  let daveDigits = '';
  const relayKey = keyshare.formatVerifierKey(keyshare.generateNoteSigner('relay.example/own-log'));
  const erin = { id: '', x25519: '' };

  beforeAll(async () => {
    ({ stack, browser, a, b } = await openTwoWindows({ stack: { keyshare: true } }));
    const ks = stack.keyshare!;
    verifierKey = ks.verifierKey;
    await ready();
    const dave = Identity.generate();
    await new KeyshareClient({ url: ks.url, verifierKey }).publish('dave', identityRecordKeys(dave));
    daveDigits = fingerprintDigits(fingerprintHash(dave.publicKey, SEALPEER_STABLE_ID));
    const e = Identity.generate().publicIdentity;
    erin.id = toHex(e.ed25519);
    erin.x25519 = toHex(e.x25519);
    // B's relay lies: its /api/config offers its own log's key, in every shape it might try.
    await routeLyingConfig(b.page, (cfg) => {
      const urls = cfg.keyshareUrls as string[];
      return {
        verifierKey: relayKey,
        keyshares: urls.map((url) => ({ url, verifierKey: relayKey })),
        trustedKeyshares: {
          sealpeerTrustedKeyshares: 1,
          keyshares: urls.map((url) => ({ name: 'relay', url, verifierKey: relayKey })),
        },
      };
    });
  });
  afterAll(() => closeWindows({ browser, stack }));

  it('A: a verified contact from the keyshare (key pasted once), an unverified imported one', async () => {
    await a.page.goto(`${stack.url}/#/contacts`);
    await a.page.locator(tid('keyshare-verifier')).fill(verifierKey);
    await a.page.locator(tid('contact-handle')).fill('dave');
    await a.page.locator(tid('contact-lookup')).click();
    await a.page.locator(tid('contact-fingerprint')).waitFor();
    await a.page.locator(tid('contact-verify')).click();
    await a.page.locator(tid('contact-trust', '[data-state="verified"]')).waitFor();
    await a.page.locator(tid('lookup-save-name')).fill('Dave');
    await a.page.locator(tid('lookup-save')).click();
    await a.page.locator(tid('lookup-chat')).waitFor();
    const file = {
      sealpeerContacts: 1,
      contacts: [{ ...erin, name: 'Erin', pairedBy: 'qr', savedAt: 1, verified: null, history: [] }],
    };
    await a.page.locator(tid('contacts-file')).fill(JSON.stringify(file));
    await a.page.locator(tid('contacts-import')).click();
    await a.page.locator(tid('contacts-status')).filter({ hasText: 'Imported 1' }).waitFor();
    await a.page.locator(contactRow('Dave', '[data-verified="true"]')).waitFor();
    await a.page.locator(contactRow('Erin', '[data-verified="false"]')).waitFor();
  });

  it('B: the relay lists the keyshare and offers keys, yet B knows no key for it', async () => {
    await b.page.goto(`${stack.url}/#/contacts`);
    await b.page.locator(tid('keyshare-key-source', '[data-source="none"]')).waitFor();
    expect(await b.page.locator(tid('keyshare-url')).inputValue()).toBe(stack.keyshare!.url);
    expect(await b.page.locator(tid('keyshare-verifier')).inputValue()).toBe('');
    expect(await b.page.locator(tid('known-keyshare')).count()).toBe(0);
    // A malformed pasted key names the field, before anything is asked of the keyshare.
    await b.page.locator(tid('keyshare-verifier')).fill(`${verifierKey}x`);
    await b.page.locator(tid('contact-handle')).fill('dave');
    await b.page.locator(tid('contact-lookup')).click();
    expect(await b.page.locator(tid('contact-error')).textContent()).toMatch(/^Log verifier key: /);
  });

  it('A shows a link QR; B scans it, sees what it would import, imports on confirm', async () => {
    await a.page.goto(`${stack.url}/#/device`);
    await a.page.locator(tid('link-device')).click();
    const qr = a.page.locator(tid('link-qr'));
    await qr.waitFor();
    await screenshot(a.page, 'link-1-qr');
    const uri = decodeQrPng(await qr.screenshot());
    const mark = stack.proxy.frames.length;
    await b.page.goto(uri);
    const offer = b.page.locator(tid('link-offer'));
    await offer.locator(tid('link-import')).waitFor();
    const listed = (await offer.locator(tid('link-offer-contacts')).textContent()) ?? '';
    expect(listed).toContain('Dave');
    expect(listed).toContain('Erin');
    expect(await offer.locator(tid('link-offer-keyshares')).textContent()).toContain(stack.keyshare!.url);
    await screenshot(b.page, 'link-2-offer');
    // Nothing is imported before the user confirms.
    expect(await b.page.evaluate(() => document.body.textContent?.includes('Imported.'))).toBe(false);
    await offer.locator(tid('link-import')).click();
    await b.page.locator(tid('link-import-status', '[data-state="imported"]')).waitFor();
    await a.page.locator(tid('link-status', '[data-state="sent"]')).waitFor();
    expect(await a.page.locator(tid('link-status')).textContent()).toMatch(
      /Sent 2 contact\(s\) and 1 keyshare/,
    );
    // The transfer crossed the relay sealed: no name, key or handle in any frame since the scan. The
    // frames' base64 `data` is searched decoded (as bytes), so a short name cannot match the base64 text
    // of a ciphertext by chance; the rest of each frame is searched as text.
    const text: string[] = [];
    const bytes: Buffer[] = [];
    for (const f of stack.proxy.frames.slice(mark)) {
      const frame = JSON.parse(f.text) as Record<string, unknown>;
      if (typeof frame.data === 'string') {
        bytes.push(Buffer.from(frame.data, 'base64url'));
        frame.data = '';
      }
      text.push(JSON.stringify(frame));
    }
    const relayedText = text.join('\n');
    const relayedBytes = Buffer.concat(bytes);
    expect(relayedBytes.length).toBeGreaterThan(1000); // the transfer did cross the relay
    // The key part of `name+hash+key`: base64, which may itself contain '+', so split at the second '+'.
    const keyPart = verifierKey.split('+').slice(2).join('+');
    expect(keyPart.length).toBeGreaterThanOrEqual(40);
    for (const secret of ['Dave', 'Erin', erin.id, verifierKey, keyPart]) {
      expect(relayedText).not.toContain(secret);
      expect(relayedBytes.includes(Buffer.from(secret, 'utf8')), secret).toBe(false);
    }
    // And the key itself as raw bytes (a leak of the decoded key would not show as its base64 text).
    expect(relayedBytes.includes(Buffer.from(keyPart, 'base64'))).toBe(false);
  });

  it('B lists the same contacts with the same verified state, and uses the keyshare with no paste', async () => {
    await b.page.goto(`${stack.url}/#/contacts`);
    await b.page.locator(contactRow('Dave', '[data-verified="true"]')).waitFor();
    await b.page.locator(contactRow('Erin', '[data-verified="false"]')).waitFor();
    expect(await b.page.locator(contactRow('Dave')).textContent()).toContain('verified (keyshare');
    await b.page.locator(tid('keyshare-key-source', '[data-source="pinned"]')).waitFor();
    expect(await b.page.locator(tid('keyshare-verifier')).inputValue()).toBe(verifierKey);
    await screenshot(b.page, 'link-3-contacts');
    await b.page.locator(tid('contact-handle')).fill('dave');
    await b.page.locator(tid('contact-lookup')).click();
    const fp = b.page.locator(tid('contact-fingerprint'));
    await fp.waitFor();
    expect(((await fp.textContent()) ?? '').replace(/\D/g, '')).toBe(daveDigits);
    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
  });
});
