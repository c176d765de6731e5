import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/verify-app.ts';
import { formatVerifierKey, generateSigner } from '../../src/release/index.ts';
import { makeRelease, type SiteServer, serveSite } from './support/site.ts';

const signer = generateSigner('releases.test/app');
const vkey = formatVerifierKey(signer);
const tmp = mkdtempSync(join(tmpdir(), 'sealpeer-verify-app-'));
let site: SiteServer;
let out = '';
let err = '';

beforeAll(async () => {
  site = await serveSite(makeRelease(signer));
});
afterAll(async () => {
  await site.close();
  rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  site.files.clear();
  for (const [k, v] of makeRelease(signer)) site.files.set(k, v);
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += String(s);
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

const tamper = (path: string, f: (s: string) => string): void => {
  site.files.set(path, new TextEncoder().encode(f(new TextDecoder().decode(site.files.get(path)!))));
};

describe('sealpeer verify-app', () => {
  it('verifies the honest release with the pinned key', async () => {
    expect(await main([site.url, '--key', vkey])).toBe(0);
    expect(out).toContain('verified: 3 files match release 1.2.3 signed by releases.test/app+');
  });

  it('fails with exit 3 naming the one modified asset', async () => {
    tamper('assets/app-1.js', (s) => s.replace('test app', 'evil app'));
    expect(await main([site.url, '--key', vkey])).toBe(3);
    expect(out).toMatch(/MISMATCH {2}assets\/app-1\.js {2}asset_mismatch/);
    expect(out).toMatch(/ok {8}assets\/app-1\.css/);
    expect(out).toContain('NOT VERIFIED against release 1.2.3');
    expect(out).toMatch(/sri_mismatch: assets\/app-1\.js does not match its integrity attribute/);
  });

  it('fails when the manifest is changed to match a modified asset (signature no longer covers it)', async () => {
    tamper('assets/app-1.css', (s) => `${s}x{}`);
    const forged = makeRelease(generateSigner('releases.test/app'), '1.2.4');
    site.files.set('manifest.json', forged.get('manifest.json')!);
    expect(await main([site.url, '--key', vkey])).toBe(3);
    expect(out).toContain('manifest.json: manifest_mismatch');
  });

  it('fails when the release is signed by another key, even one with the same name', async () => {
    const other = makeRelease(generateSigner('releases.test/app'));
    for (const [k, v] of other) site.files.set(k, v);
    expect(await main([site.url, '--key', vkey])).toBe(3);
    expect(out).toContain('unverified_note');
  });

  it('fails on a script without SRI, a missing file and a changed index.html', async () => {
    tamper('index.html', (s) => s.replace(/ integrity="[^"]*"/, ''));
    site.files.delete('assets/app-1.css');
    expect(await main([site.url, '--key', vkey, '--json'])).toBe(3);
    const report = JSON.parse(out) as {
      ok: boolean;
      files: Array<{ path: string; code?: string }>;
      problems: unknown[];
    };
    expect(report.ok).toBe(false);
    expect(report.files.find((f) => f.path === 'index.html')?.code).toBe('asset_mismatch');
    expect(report.files.find((f) => f.path === 'assets/app-1.css')?.code).toBe('asset_missing');
    expect(report.problems).toEqual([
      expect.objectContaining({ path: 'assets/app-1.js', code: 'sri_missing' }),
    ]);
  });

  it('fails when the server has no signed release at all', async () => {
    site.files.delete('release.note');
    expect(await main([site.url, '--key', vkey])).toBe(3);
    expect(out).toContain('release.note: asset_missing');
  });

  it('checks against a trusted manifest file instead of a key', async () => {
    const file = join(tmp, 'manifest.json');
    writeFileSync(file, site.files.get('manifest.json')!);
    site.files.delete('release.note');
    expect(await main([`${site.url}index.html`, '--manifest', file])).toBe(0);
    tamper('assets/app-1.css', (s) => `${s}/* changed */`);
    expect(await main([site.url, '--manifest', file])).toBe(3);
    expect(out).toMatch(/MISMATCH {2}assets\/app-1\.css/);
  });

  it('refuses bad usage with exit 2', async () => {
    expect(await main([])).toBe(2);
    expect(await main([site.url])).toBe(2); // neither --key nor --manifest (and no env)
    expect(await main([site.url, '--key', vkey, '--manifest', 'x'])).toBe(2);
    expect(await main([site.url, '--key', 'not+a+key'])).toBe(2);
    expect(await main(['ftp://example.org/', '--key', vkey])).toBe(2);
    expect(await main([site.url, '--manifest', join(tmp, 'missing.json')])).toBe(2);
    expect(await main([site.url, '--bogus'])).toBe(2);
    expect(err).toContain('Usage: sealpeer verify-app');
  });

  it('exits 1 when the server cannot be reached', async () => {
    const closed = await serveSite(new Map());
    await closed.close();
    expect(await main([closed.url, '--key', vkey])).toBe(1);
    expect(err).toContain('cannot fetch');
  });
});

describe('sealpeer verify-app through the real CLI', () => {
  it('returns exit code 3 and names the asset from the sealpeer binary', { timeout: 30_000 }, async () => {
    vi.restoreAllMocks();
    tamper('assets/app-1.css', (s) => `${s}/* evil */`);
    const bin = join(import.meta.dirname, '../../bin/sealpeer.js');
    // Asynchronous spawn: the test server runs in this process and must keep answering.
    const child = spawn(process.execPath, [bin, 'verify-app', site.url, '--key', vkey]);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(3);
    expect(stdout).toContain('MISMATCH  assets/app-1.css');
  });
});
