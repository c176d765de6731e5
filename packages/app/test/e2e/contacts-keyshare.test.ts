// Contacts by keyshare handle: a device's keys are published in a real keyshare; the app looks the
// handle up (record, inclusion proof and checkpoint checked against the pinned verifier key), shows the
// same fingerprint that device shows for itself, and tracks its verification state. Unknown handles and
// a wrong verifier key give readable errors. A keyshare that serves a superseded record with a fresh
// inclusion proof, or a bare 404 for a handle, is refused by the page (the map proofs, docs/keyshare.md
// §Map). The last verified checkpoint is kept in IndexedDB: after a reload, a keyshare that comes back
// with an older tree under the same key is refused.

import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { encodePublicIdentity, Identity, identityRecordKeys, KeyshareClient } from '@sealpeer/client';
import { ready } from '@sealpeer/client/crypto';
import { fingerprintDigits, fingerprintHash, SEALPEER_STABLE_ID } from '@sealpeer/client/identity';
import * as keyshare from '@sealpeer/client/keyshare';
import { MerkleTree, type RunningKeyshare, startKeyshare } from '@sealpeer/keyshare';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAppOnce } from '../support/build.ts';
import { E2E_TEST_MS, launchChromium, openPage } from '../support/chromium.ts';
import { tid } from '../support/flows.ts';
import { startStack, type TestStack } from '../support/server.ts';

describe('contacts by keyshare handle', { timeout: E2E_TEST_MS }, () => {
  let browser: Browser;
  let stack: TestStack;
  let page: Page;
  let verifierKey = '';
  let bobDigits = '';

  beforeAll(async () => {
    stack = await startStack(await buildAppOnce(), { keyshare: true });
    const ks = stack.keyshare!;
    verifierKey = ks.verifierKey;
    await ready();
    const bob = Identity.generate();
    await new KeyshareClient({ url: ks.url, verifierKey }).publish('bob', identityRecordKeys(bob));
    bobDigits = fingerprintDigits(fingerprintHash(bob.publicKey, SEALPEER_STABLE_ID));
    browser = await launchChromium();
    page = (await openPage(browser)).page;
    await page.goto(`${stack.url}/#/contacts`);
    await page.locator(tid('screen-contacts')).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function lookup(handle: string, key = verifierKey): Promise<void> {
    await page.locator(tid('keyshare-verifier')).fill(key);
    await page.locator(tid('contact-handle')).fill(handle);
    await page.locator(tid('contact-lookup')).click();
  }

  it('offers the server’s keyshare and finds a published handle with its fingerprint', async () => {
    expect(await page.locator(tid('keyshare-url')).inputValue()).toBe(stack.keyshare!.url);
    await lookup('bob');
    const fp = page.locator(tid('contact-fingerprint'));
    await fp.waitFor();
    expect(((await fp.textContent()) ?? '').replace(/\D/g, '')).toBe(bobDigits);
    await page.locator(tid('contact-trust', '[data-state="unverified"]')).waitFor();
  });

  it('marks the contact verified, and the state is kept', async () => {
    await page.locator(tid('contact-verify')).click();
    await page.locator(tid('contact-trust', '[data-state="verified"]')).waitFor();
    await page.reload();
    await page.locator(tid('screen-contacts')).waitFor();
    await lookup('bob');
    // Either a trust badge or an error appears; say which when it is not "verified".
    await page
      .locator(`${tid('contact-trust')}, ${tid('contact-error')}`)
      .first()
      .waitFor();
    const shown = await page.locator(tid('contact-result')).textContent();
    expect(await page.locator(tid('contact-trust')).getAttribute('data-state'), shown ?? '').toBe('verified');
  });

  it('an unknown handle and a wrong verifier key give readable errors', async () => {
    await lookup('nobody-here');
    expect(await page.locator(tid('contact-error')).textContent()).toMatch(/not[ _]found|no record/i);
    // Another log's key under the same name: well-formed, but not the key this keyshare signs with.
    const logName = verifierKey.slice(0, verifierKey.indexOf('+'));
    const other = keyshare.formatVerifierKey(keyshare.generateNoteSigner(logName));
    expect(other).not.toBe(verifierKey);
    await lookup('bob', other);
    expect(await page.locator(tid('contact-error')).textContent()).toMatch(/\S/);
    expect(await page.locator(tid('contact-fingerprint')).count()).toBe(0);
    // A mistyped key: its key ID no longer matches the key.
    const hashAt = verifierKey.indexOf('+') + 1;
    const flipped = verifierKey[hashAt] === '0' ? '1' : '0';
    await lookup('bob', `${verifierKey.slice(0, hashAt)}${flipped}${verifierKey.slice(hashAt + 1)}`);
    expect(await page.locator(tid('contact-error')).textContent()).toMatch(/key/i);
    expect(await page.locator(tid('contact-fingerprint')).count()).toBe(0);
  });

  it('publishes this device’s keys under a handle; others find them; each visit re-checks it', async () => {
    await page.locator(tid('keyshare-verifier')).fill(verifierKey);
    await page.locator(tid('own-handle')).fill('alice');
    await page.locator(tid('own-publish')).click();
    expect(await page.locator(tid('own-published')).textContent()).toContain('alice');
    // Another client, outside the page, finds the device's own keys under the handle.
    const found = await new KeyshareClient({ url: stack.keyshare!.url, verifierKey }).lookup('alice');
    await page.goto(`${stack.url}/#/device`);
    const shown = (await page.locator(tid('device-fingerprint')).textContent())?.replace(/\D/g, '');
    const published = encodePublicIdentity({ ed25519: found.identityKey, x25519: found.x25519Key });
    expect(shown).toBe(fingerprintDigits(fingerprintHash(published, SEALPEER_STABLE_ID)));
    // The next visit checks the handle again and says so.
    await page.goto(`${stack.url}/#/contacts`);
    expect(await page.locator(tid('own-published')).textContent()).toMatch(/Checked just now/);
    // A handle that is not the keyshare's shape is refused before anything is sent.
    await page.locator(tid('own-handle')).fill('No Spaces Allowed');
    await page.locator(tid('own-publish')).click();
    expect(await page.locator(tid('own-error')).textContent()).toMatch(/lowercase/);
  });

  it('refuses a superseded record served with a fresh inclusion proof, and a bare 404 for a handle', async () => {
    const ks = stack.keyshare!;
    const dora = Identity.generate();
    const owner = new KeyshareClient({ url: ks.url, verifierKey });
    await owner.publish('dora', identityRecordKeys(dora));
    await owner.rotate('dora', identityRecordKeys(dora).signer, identityRecordKeys(Identity.generate()));
    // The operator answers dora's lookups with her first record, proven in the current tree.
    const size = ks.service.size;
    const leaves = ks.service.leaves(0, size).leaves.map((l) => Buffer.from(l, 'base64'));
    const tree = new MerkleTree();
    for (const l of leaves) tree.append(keyshare.hashLeaf(l));
    const first = leaves.findIndex((l) => keyshare.parseRecordLeaf(l).handle === 'dora');
    let mode: 'superseded' | 'bare404' = 'superseded';
    // The lie is played at the page's network layer (Playwright routing), so the page talks to the
    // keyshare URL it was configured with; the headers (CORS) are the real keyshare's.
    const pattern = `${ks.url}/v1/records/dora`;
    await page.route(pattern, async (route) => {
      const upstream = await route.fetch();
      const honest = (await upstream.json()) as Record<string, unknown>;
      const body =
        mode === 'superseded'
          ? {
              ...honest,
              record: keyshare.recordToJson(keyshare.parseRecordLeaf(leaves[first]!)),
              leafIndex: first,
              inclusionProof: tree.inclusionProof(first, size).map((h) => Buffer.from(h).toString('base64')),
            }
          : { error: { code: 'not_found', message: 'no record for dora' } };
      await route.fulfill({
        status: mode === 'superseded' ? 200 : 404,
        headers: upstream.headers(),
        body: JSON.stringify(body),
      });
    });
    try {
      await lookup('dora');
      await page.waitForFunction(
        (sel) => /record_superseded/.test(document.querySelector(sel)?.textContent ?? ''),
        tid('contact-error'),
      );
      expect(await page.locator(tid('contact-fingerprint')).count()).toBe(0);
      mode = 'bare404';
      await lookup('dora');
      await page.waitForFunction(
        (sel) => /absence_unproven/.test(document.querySelector(sel)?.textContent ?? ''),
        tid('contact-error'),
      );
      expect(await page.locator(tid('contact-fingerprint')).count()).toBe(0);
    } catch (err) {
      console.log(
        'contact-error:',
        await page
          .locator(tid('contact-error'))
          .textContent()
          .catch(() => null),
      );
      throw err;
    } finally {
      await page.unroute(pattern);
    }
  });

  it('keeps the last verified checkpoint across a reload: a rolled-back log under the same key is refused', async () => {
    const ks = stack.keyshare!;
    // Node's fetch may reuse a pooled connection the restarted keyshare's predecessor closed: the test's
    // publisher tries a request twice (the page is unaffected: it reloads).
    const retryOnce = async (u: string, init?: RequestInit) => {
      try {
        return await fetch(u, init);
      } catch {
        return fetch(u, init);
      }
    };
    const publisher = (url: string) => new KeyshareClient({ url, verifierKey, fetch: retryOnce });
    await publisher(ks.url).publish('carol', identityRecordKeys(Identity.generate()));
    await lookup('carol'); // the page verifies and stores the size-2 checkpoint
    await page.locator(tid('contact-fingerprint')).waitFor();
    // The operator (or whoever holds the log key) restarts the keyshare on a fresh log, same key and port.
    const port = Number(new URL(ks.url).port);
    await ks.close();
    const dir = join(stack.dataDir, 'keyshare-rolled-back');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(stack.dataDir, 'keyshare', 'log-key'), join(dir, 'log-key'));
    let rolledBack: RunningKeyshare | undefined;
    try {
      rolledBack = await startKeyshare({
        dataDir: dir,
        host: '127.0.0.1',
        port,
        allowedOrigins: [stack.url],
        logLevel: 'warn',
      });
      expect(rolledBack.verifierKey).toBe(verifierKey);
      await publisher(rolledBack.url).publish('bob', identityRecordKeys(Identity.generate())); // size 1
      await page.reload();
      await page.locator(tid('screen-contacts')).waitFor();
      await lookup('bob');
      expect(await page.locator(tid('contact-error')).textContent()).toMatch(/rollback|seen before/i);
      expect(await page.locator(tid('contact-fingerprint')).count()).toBe(0);
      // The own-handle check on this visit hit the same rolled-back log, where "alice" is gone: its
      // "not found" comes with a map proof for the older tree, so the warning names the rollback.
      expect(await page.locator(tid('own-warning')).textContent()).toMatch(/checkpoint_rollback/);
    } finally {
      await rolledBack?.close();
    }
  });
});
