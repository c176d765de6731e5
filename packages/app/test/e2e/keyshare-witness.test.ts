// Witnesses pinned in the app (issue 13 item 3, issue 14 item 2): a real keyshare pushes its checkpoints
// to a real `sealpeer-keyshare witness` process; the page pins the witness's cosigner key with quorum 1
// next to the log verifier key. A cosigned answer is accepted; the same answer with the cosignature line
// stripped (by a proxy in front of the keyshare) is refused with the neutral "could not verify" (no red
// alarm: a missing cosignature is not proof); a forged cosignature raises the red alarm
// (cosignature_invalid). Unpinning shows the pin is what refused the stripped answer.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Identity, identityRecordKeys, KeyshareClient } from '@sealpeer/client';
import { ready } from '@sealpeer/client/crypto';
import { type RunningKeyshare, startKeyshare } from '@sealpeer/keyshare';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAppOnce } from '../support/build.ts';
import { E2E_TEST_MS, E2E_WAIT_MS, launchChromium, openPage } from '../support/chromium.ts';
import { tid } from '../support/flows.ts';
import { type KeyshareProxy, startKeyshareProxy } from '../support/keyshare-proxy.ts';
import { startStack, type TestStack } from '../support/server.ts';

const KEYSHARE_BIN = join(import.meta.dirname, '..', '..', '..', 'keyshare', 'bin', 'sealpeer-keyshare.js');
const WITNESS_NAME = 'witness.test/app-w1';

/** A real witness process; resolves with its URL and cosigner key from its "listening" log line. */
async function startWitnessProcess(
  dataDir: string,
  logKey: string,
): Promise<{ child: ChildProcess; url: string; cosignerKey: string }> {
  const child = spawn(
    process.execPath,
    [KEYSHARE_BIN, 'witness', '--data-dir', dataDir, '--name', WITNESS_NAME, '--port', '0'],
    { env: { ...process.env, SEALPEER_WITNESS_LOGS: logKey }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`witness did not start: ${out}${err}`)), E2E_WAIT_MS);
    child.on('exit', (code) => reject(new Error(`witness exited ${code}: ${out}${err}`)));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        const j = JSON.parse(line) as Record<string, unknown>;
        if (j.msg === 'listening' && typeof j.url === 'string' && typeof j.cosignerKey === 'string') {
          clearTimeout(timer);
          resolve({ child, url: j.url, cosignerKey: j.cosignerKey });
        }
      }
    });
  });
}

describe('keyshare witnesses pinned in the app', { timeout: E2E_TEST_MS }, () => {
  let browser: Browser;
  let stack: TestStack;
  let page: Page;
  let proxy: KeyshareProxy;
  let ks: RunningKeyshare | undefined;
  let witness: ChildProcess | undefined;
  let verifierKey = '';
  let cosignerKey = '';

  beforeAll(async () => {
    browser = await launchChromium();
    proxy = await startKeyshareProxy(() => ks!.url, WITNESS_NAME);
    // The page reaches the keyshare only through the proxy (listed in the app config and its CSP).
    stack = await startStack(await buildAppOnce(), { keyshareUrls: [proxy.url] });
    const ksDir = join(stack.dataDir, 'ks');
    mkdirSync(ksDir, { recursive: true });
    const ksOptions = { dataDir: ksDir, host: '127.0.0.1', port: 0, allowedOrigins: [stack.url] };
    // The first start creates the log key the witness is configured with.
    const first = await startKeyshare({ ...ksOptions, logLevel: 'warn' });
    verifierKey = first.verifierKey;
    await first.close();
    const w = await startWitnessProcess(join(stack.dataDir, 'witness'), verifierKey);
    witness = w.child;
    cosignerKey = w.cosignerKey;
    ks = await startKeyshare({
      ...ksOptions,
      logLevel: 'warn',
      witnesses: [`${w.url},${w.cosignerKey}`],
      witnessTimeoutMs: 5000,
    });
    await ready();
    const bob = new KeyshareClient({
      url: ks.url,
      verifierKey,
      witnesses: { keys: [cosignerKey], quorum: 1 },
    });
    await bob.publish('bob', identityRecordKeys(Identity.generate()));
    page = (await openPage(browser)).page;
    await page.goto(`${stack.url}/#/contacts`);
    await page.locator(tid('screen-contacts')).waitFor();
  });
  afterAll(async () => {
    witness?.kill('SIGKILL');
    await ks?.close();
    await browser?.close();
    await proxy?.close();
    await stack?.close();
  });

  async function lookup(handle: string): Promise<void> {
    await page.locator(tid('keyshare-verifier')).fill(verifierKey);
    await page.locator(tid('contact-handle')).fill(handle);
    await page.locator(tid('contact-lookup')).click();
    await page
      .locator(`${tid('contact-fingerprint')}, ${tid('contact-error')}`)
      .first()
      .waitFor();
  }

  async function pin(keys: string, quorum: string): Promise<string> {
    await page.locator(tid('witness-keys')).fill(keys);
    await page.locator(tid('witness-quorum')).fill(quorum);
    await page.locator(tid('witness-pin')).click();
    await page.waitForFunction(
      (sel) => (document.querySelector(sel)?.textContent ?? '').length > 0,
      tid('witness-status'),
    );
    return (await page.locator(tid('witness-status')).textContent()) ?? '';
  }

  it('pins a witness with quorum 1; a cosigned answer is accepted', async () => {
    expect(await page.locator(tid('keyshare-url')).inputValue()).toBe(proxy.url);
    // Malformed pins are refused before anything is stored.
    expect(await pin('not-a-witness-key', '1')).toMatch(/Not a witness key/);
    expect(await pin(cosignerKey, '2')).toMatch(/quorum must be a whole number from 1 to 1/);
    expect(await pin(cosignerKey, '1')).toMatch(/Pinned: 1 of 1 witness /);
    proxy.mode = 'pass';
    await lookup('bob');
    expect(await page.locator(tid('contact-error')).count()).toBe(0);
    await page.locator(tid('contact-trust', '[data-state="unverified"]')).waitFor();
    // This device publishes its own handle too (checked again on every visit, with the pins).
    await page.locator(tid('own-handle')).fill('alice');
    await page.locator(tid('own-publish')).click();
    expect(await page.locator(tid('own-published')).textContent()).toContain('alice');
  });

  it('the cosignature stripped: refused with the neutral "could not verify", no alarm', async () => {
    // The pins survive a reload (kept per keyshare URL in IndexedDB) and are used by the own-handle
    // check on the visit and the next lookup.
    proxy.mode = 'strip';
    const before = proxy.rewritten;
    await page.reload();
    await page.locator(tid('screen-contacts')).waitFor();
    await page.locator(tid('witness-status', ':text("Pinned: 1 of 1")')).waitFor();
    const own = page.locator(tid('own-error'));
    await own.waitFor();
    expect(await own.getAttribute('data-kind')).toBe('unverified');
    expect(await own.textContent()).toMatch(/^Could not verify: not enough witnesses/);
    await lookup('bob');
    expect(proxy.rewritten).toBeGreaterThan(before);
    const error = page.locator(tid('contact-error'));
    expect(await error.getAttribute('data-kind')).toBe('unverified');
    expect(await error.textContent()).toMatch(/^Could not verify: not enough witnesses/);
    expect(await error.textContent()).toMatch(/0 of the 1 pinned witnesses/);
    expect(await page.locator(tid('contact-fingerprint')).count()).toBe(0);
    expect(await page.locator(tid('keyshare-alarm')).count()).toBe(0);
    expect(await page.locator('[role="alert"]').count()).toBe(0);
  });

  it('a forged cosignature by the pinned witness: the red alarm (cosignature_invalid)', async () => {
    proxy.mode = 'forge';
    const before = proxy.rewritten;
    await lookup('bob');
    expect(proxy.rewritten).toBeGreaterThan(before);
    expect(await page.locator(tid('contact-error')).getAttribute('data-kind')).toBe('integrity');
    await page.locator(tid('keyshare-alarm')).waitFor();
    expect(await page.locator(tid('keyshare-alarm-code')).textContent()).toBe('reason: cosignature_invalid');
    expect(await page.locator(tid('contact-fingerprint')).count()).toBe(0);
  });

  it('unpinned, the same stripped answer is accepted: the pin is what refused it', async () => {
    proxy.mode = 'strip';
    expect(await pin('', '1')).toMatch(/No witnesses pinned/);
    const before = proxy.rewritten;
    await lookup('bob');
    expect(proxy.rewritten).toBeGreaterThan(before);
    expect(await page.locator(tid('contact-error')).count()).toBe(0);
    await page.locator(tid('contact-fingerprint')).waitFor();
  });
});
