// `npm start -- --lan` as a phone on the same Wi-Fi sees it, on loopback only: the services listen on
// 127.0.0.1, Chromium reaches them under a LAN-style name (sealpeer-test.local, mapped to 127.0.0.1 with
// --host-resolver-rules) and trusts the CA that `npm start` generated in its data dir (by the SPKI hash
// of that CA, computed here from ca.pem with Node's own X.509 parser). The page must be a secure
// context under that name, the app's service worker must register and pin the release, the camera
// path of Scan must start (fake device), and the keyshare must answer over HTTPS from the page.
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigner } from '@sealpeer/client/release';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { banner, field, killAll, type StartRun, startRun } from '../../../server/test/start/support.ts';
import { buildSignedRelease } from '../integrity/support/release.ts';
import { E2E_TEST_MS, launchChromium, openPage } from '../support/chromium.ts';
import { tid } from '../support/flows.ts';

const NAME = 'sealpeer-test.local';
const tmp = mkdtempSync(join(tmpdir(), 'sealpeer-lan-'));
let browser: Browser;
let run: StartRun;
let text = '';
let appUrl = '';

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

beforeAll(async () => {
  const release = await buildSignedRelease(join(tmp, 'build'), generateSigner('lan.test/app'));
  const port = await freeLoopbackPort();
  const data = join(tmp, 'data');
  run = startRun([
    ...['--lan', '--host', '127.0.0.1', '--lan-name', NAME, '--public-url', `https://${NAME}:${port}`],
    ...['--port', String(port), '--keyshare-port', '0', '--admin-port', '-1', '--data-dir', data],
    ...['--server-args', `--app-dir ${release.dir}`],
  ]);
  text = await banner(run);
  appUrl = field(text, 'Open the app:');
  const ca = new X509Certificate(readFileSync(join(data, 'tls/ca.pem')));
  const spki = createHash('sha256')
    .update(ca.publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');
  browser = await launchChromium([
    `--host-resolver-rules=MAP ${NAME} 127.0.0.1`,
    `--ignore-certificate-errors-spki-list=${spki}`,
  ]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  killAll();
  rmSync(tmp, { recursive: true, force: true });
});

describe('npm start -- --lan in Chromium (loopback, LAN-style name)', { timeout: E2E_TEST_MS }, () => {
  it('prints the https URL under the LAN name, the CA file and a QR code', () => {
    expect(appUrl).toMatch(new RegExp(`^https://${NAME.replace(/\./g, '\\.')}:\\d+/$`));
    expect(text).toContain('sealpeer-ca.crt');
    expect(text).toMatch(
      /Then scan this with the phone's camera to open https:\/\/sealpeer-test\.local:\d+\//,
    );
    expect(text).toMatch(/[▀▄█]{7}/);
  });

  it('secure context, service worker pinned, camera starts, keyshare reachable over HTTPS', async () => {
    const { page, problems, context } = await openPage(browser, { width: 390, height: 844 });
    await page.goto(appUrl);
    expect(await page.evaluate(() => [location.origin, window.isSecureContext])).toEqual([
      appUrl.replace(/\/$/, ''),
      true,
    ]);
    // The app's own pinning worker registered, controls the page and pinned the signed release.
    await page.locator('[data-testid="app-integrity"][data-state="pinned"]').waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

    // Scan → Use camera: getUserMedia is allowed here (it is not on plain http://<LAN address>).
    await page.goto(`${appUrl}#/scan`);
    await page.locator(tid('scan-camera')).click();
    await page.getByText('Point the camera at the invite QR code.').waitFor();
    expect(
      await page.evaluate(() => (document.querySelector('video') as HTMLVideoElement).videoWidth),
    ).toBeGreaterThan(0);

    // The keyshare the app is configured with answers the page over HTTPS (TLS, CORS and CSP agree).
    const keyshareUrl = field(text, 'Keyshare:');
    const status = await page.evaluate(async (u) => (await fetch(`${u}/v1/checkpoint`)).status, keyshareUrl);
    expect(status).toBe(200);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('without the CA trusted, Chromium refuses the certificate (the test above relies on the trust)', async () => {
    const untrusting = await launchChromium([`--host-resolver-rules=MAP ${NAME} 127.0.0.1`]);
    try {
      const { page } = await openPage(untrusting);
      await expect(page.goto(appUrl)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await untrusting.close();
    }
  });
});
