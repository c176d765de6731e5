// Keys built into the app release (issue 15 §3, docs/keyshare.md §Built-in keys), in a real Chromium:
// the app is built with a trusted-keyshares list (SEALPEER_TRUSTED_KEYSHARES) naming a keyshare's URL
// and log verifier key. The key is in the bundle and in dist/trusted-keyshares.json, both listed with
// their SHA-256 in the release manifest (which the release note signs and the service worker pins).
// A fresh browser offers that keyshare with its key filled in, no paste, and looks a handle up; the
// relay's /api/config, lying with its own key for the same URL, changes nothing.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Identity, identityRecordKeys, KeyshareClient } from '@sealpeer/client';
import { fingerprintDigits, fingerprintHash, SEALPEER_STABLE_ID } from '@sealpeer/client/identity';
import * as keyshare from '@sealpeer/client/keyshare';
import { ready } from '@sealpeer/client/keyshare';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../../test-support/postgres.ts';
import { buildAppOnce } from '../support/build.ts';
import { E2E_TEST_MS, launchChromium, openPage, type TestPage } from '../support/chromium.ts';
import { routeLyingConfig } from '../support/config-route.ts';
import { tid } from '../support/flows.ts';
import { startStack, type TestStack } from '../support/server.ts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('keyshare keys built into the app release', { timeout: E2E_TEST_MS * 2 }, () => {
  let appDir: string;
  let stack: TestStack;
  let browser: Browser;
  let page: TestPage;
  let url = '';
  const signer = keyshare.generateNoteSigner('localhost/sealpeer-keyshare');
  const verifierKey = keyshare.formatVerifierKey(signer);
  const relayKey = keyshare.formatVerifierKey(keyshare.generateNoteSigner('localhost/sealpeer-keyshare'));

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const list = { sealpeerTrustedKeyshares: 1, keyshares: [{ name: 'Test keyshare', url, verifierKey }] };
    appDir = await buildAppOnce({ trustedKeyshares: JSON.stringify(list) });
    stack = await startStack(appDir, {
      keyshare: true,
      keysharePort: port,
      keyshareLogKey: keyshare.formatSignerKey(signer),
    });
    expect(stack.keyshare?.verifierKey).toBe(verifierKey);
    browser = await launchChromium();
    page = await openPage(browser);
    // The relay lies: its config offers its own key for the very same keyshare URL.
    await routeLyingConfig(page.page, () => ({
      verifierKey: relayKey,
      keyshares: [{ url, verifierKey: relayKey }],
    }));
  }, E2E_TEST_MS * 2);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('the build embeds the list, and the release manifest covers it (the file and the bundle)', () => {
    const manifest = JSON.parse(readFileSync(join(appDir, 'manifest.json'), 'utf8')) as {
      files: Record<string, string>;
    };
    const listFile = readFileSync(join(appDir, 'trusted-keyshares.json'));
    expect(JSON.parse(listFile.toString('utf8'))).toEqual({
      sealpeerTrustedKeyshares: 1,
      keyshares: [{ name: 'Test keyshare', url, verifierKey, witnesses: null }],
    });
    expect(manifest.files['trusted-keyshares.json']).toBe(sha256(listFile));
    const bundles = readdirSync(join(appDir, 'assets'))
      .filter((f) => f.endsWith('.js'))
      .filter((f) => readFileSync(join(appDir, 'assets', f), 'utf8').includes(verifierKey));
    expect(bundles.length).toBeGreaterThan(0);
    for (const f of bundles)
      expect(manifest.files[`assets/${f}`]).toBe(sha256(readFileSync(join(appDir, 'assets', f))));
  });

  it('a fresh browser offers the built-in keyshare with its key, no paste; the relay’s key is ignored', async () => {
    await ready();
    const bob = Identity.generate();
    await new KeyshareClient({ url, verifierKey }).publish('bob', identityRecordKeys(bob));
    const p = page.page;
    await p.goto(`${stack.url}/#/contacts`);
    await p.locator(tid('keyshare-key-source', '[data-source="built-in"]')).waitFor();
    expect(await p.locator(tid('keyshare-verifier')).inputValue()).toBe(verifierKey);
    expect(await p.locator(tid('keyshare-key-source')).textContent()).toContain('Test keyshare');
    expect(await p.locator(tid('known-keyshare')).allTextContents()).toEqual(['Test keyshare (built-in)']);
    await p.locator(tid('contact-handle')).fill('bob');
    await p.locator(tid('contact-lookup')).click();
    const fp = p.locator(tid('contact-fingerprint'));
    await fp.waitFor();
    expect(((await fp.textContent()) ?? '').replace(/\D/g, '')).toBe(
      fingerprintDigits(fingerprintHash(bob.publicKey, SEALPEER_STABLE_ID)),
    );
    expect(page.problems).toEqual([]);
  });
});
