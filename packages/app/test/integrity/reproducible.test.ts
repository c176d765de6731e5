// Two builds of the same sources, in two different directories (different depths, so an absolute or
// relative build path leaking into the output would show), must give byte-identical files.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatVerifierKey, generateSigner, parseManifest, sha256Hex } from '@sealpeer/client/release';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, copyAppSources, listFiles } from './support/build.ts';

const tmp = mkdtempSync(join(tmpdir(), 'sealpeer-repro-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('reproducible app build', () => {
  it('builds byte-identical files in two different directories', { timeout: 240_000 }, async () => {
    const key = formatVerifierKey(generateSigner('repro.test'));
    const a = copyAppSources(join(tmp, 'a'));
    const b = copyAppSources(join(tmp, 'elsewhere', 'much', 'deeper', 'b'));
    const outA = await buildApp(a, { SEALPEER_RELEASE_KEY: key });
    const outB = await buildApp(b, { SEALPEER_RELEASE_KEY: key });
    const files = listFiles(outA);
    expect(listFiles(outB)).toEqual(files);
    for (const f of ['index.html', 'manifest.json', 'sw.js']) expect(files).toContain(f);
    expect(files.some((f) => f.endsWith('.js') && f.startsWith('assets/'))).toBe(true);
    let compared = 0;
    for (const f of files) {
      const x = readFileSync(join(outA, f));
      const y = readFileSync(join(outB, f));
      expect(x.equals(y), `${f} differs between the two builds`).toBe(true);
      for (const dir of [tmp, a, b])
        expect(x.includes(dir), `${f} contains the build path ${dir}`).toBe(false);
      compared++;
    }
    console.log(`reproducible build: ${compared} files byte-identical`);
    // The manifest covers every built file but itself, with the right hashes.
    const manifest = parseManifest(readFileSync(join(outA, 'manifest.json')));
    expect(Object.keys(manifest.files).sort()).toEqual(files.filter((f) => f !== 'manifest.json'));
    for (const [p, h] of Object.entries(manifest.files))
      expect(sha256Hex(readFileSync(join(outA, p)))).toBe(h);
  });
});
