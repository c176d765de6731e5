// Pinning when the relay server itself serves the app (the default layout): the real sealpeer-server,
// with its own CSP (worker-src 'self', no inline), starts serving a modified script after the first visit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { formatVerifierKey, generateSigner, keyLabel } from '@sealpeer/client/release';
import { type RunningServer, startServer } from '@sealpeer/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main as verifyApp } from '../../../client/src/cli/verify-app.ts';
import { launchProfile, type Profile } from './support/browser.ts';
import { buildSignedRelease, type TestRelease, tamperMainScript } from './support/release.ts';

const tmp = mkdtempSync(join(tmpdir(), 'sealpeer-pinning-relay-'));
const signer = generateSigner('relay.test/app');
let release: TestRelease;
let server: RunningServer;
let profile: Profile;

beforeAll(async () => {
  release = await buildSignedRelease(join(tmp, 'v1'), signer);
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    adminPort: -1,
    dataDir: join(tmp, 'data'),
    appDir: release.dir,
    logLevel: 'warn',
    logStream: new Writable({ write: (_c, _e, cb) => cb() }),
  });
  profile = await launchProfile();
}, 240_000);

afterAll(async () => {
  await profile?.close();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs `sealpeer verify-app` in-process; returns its exit code and stdout. */
async function verify(url: string): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  try {
    return { code: await verifyApp([url, '--key', formatVerifierKey(signer)]), out };
  } finally {
    spy.mockRestore();
  }
}

describe('app pinning with the relay server serving the app', { timeout: 180_000 }, () => {
  it('keeps the pinned release and warns once the relay host serves a modified script', async () => {
    const page = await profile.context.newPage();
    const csp = (await (await fetch(server.url)).headers.get('content-security-policy')) ?? '';
    expect(csp).toContain("worker-src 'self'");
    await page.goto(server.url);
    await page.locator('[data-testid="app-integrity"][data-state="pinned"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="app-integrity-version"]').textContent()).toBe(
      `App version ${release.version} · release key ${keyLabel(signer)}`,
    );
    expect((await verify(server.url)).code).toBe(0);
    const { file, sri } = tamperMainScript(release.dir);
    expect(await (await fetch(server.url)).text()).toContain(sri);
    // sealpeer verify-app, against the real relay serving the real build, names the modified files.
    const checked = await verify(server.url);
    expect(checked.code).toBe(3);
    expect(checked.out).toContain(`MISMATCH  ${file}  asset_mismatch`);
    expect(checked.out).toContain('MISMATCH  index.html  asset_mismatch');
    await page.goto(server.url);
    await page.locator('[data-testid="app-integrity"][data-state="warning"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="app-integrity-warning"]').textContent()).toContain(
      `it serves a modified ${file}`,
    );
    expect(await page.evaluate(() => document.documentElement.dataset.evil)).toBeUndefined();
  });
});
