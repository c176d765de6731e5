// Pinning when the relay server itself serves the app (the default layout): the real sealpeer-server,
// with its own CSP (worker-src 'self', no inline), starts serving a modified script after the first visit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { generateSigner, keyLabel } from '@sealpeer/client/release';
import { type RunningServer, startServer } from '@sealpeer/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('app pinning with the relay server serving the app', () => {
  it('keeps the pinned release and warns once the relay host serves a modified script', async () => {
    const page = await profile.context.newPage();
    const csp = (await (await fetch(server.url)).headers.get('content-security-policy')) ?? '';
    expect(csp).toContain("worker-src 'self'");
    await page.goto(server.url);
    await page.locator('[data-testid="app-integrity"][data-state="pinned"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="app-integrity-version"]').textContent()).toBe(
      `App version ${release.version} · release key ${keyLabel(signer)}`,
    );
    const { file, sri } = tamperMainScript(release.dir);
    expect(await (await fetch(server.url)).text()).toContain(sri);
    await page.goto(server.url);
    await page.locator('[data-testid="app-integrity"][data-state="warning"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="app-integrity-warning"]').textContent()).toContain(
      `it serves a modified ${file}`,
    );
    expect(await page.evaluate(() => document.documentElement.dataset.evil)).toBeUndefined();
  });
});
