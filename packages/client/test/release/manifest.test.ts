import { describe, expect, it } from 'vitest';
import {
  appBaseUrl,
  assetPath,
  checkAsset,
  checkUpgrade,
  compareVersions,
  createManifest,
  formatStatement,
  generateSigner,
  isValidAssetPath,
  MANIFEST_FORMAT,
  parseManifest,
  parseStatement,
  serializeManifest,
  sha256Hex,
  signNote,
  verifyRelease,
} from '../../src/release/index.ts';

const enc = new TextEncoder();
const bytes = (o: unknown): Uint8Array => enc.encode(typeof o === 'string' ? o : JSON.stringify(o));
const files = new Map([
  ['index.html', enc.encode('<html></html>')],
  ['assets/a.js', enc.encode('a')],
  ['manifest.json', enc.encode('ignored')],
  ['config.json', enc.encode('ignored')],
]);

describe('release manifest', () => {
  it('lists every file but the release metadata, in a canonical byte layout', () => {
    const m = createManifest('1.0.0', files);
    expect(Object.keys(m.files)).toEqual(['assets/a.js', 'index.html']);
    expect(m.files['assets/a.js']).toBe(sha256Hex(enc.encode('a')));
    const text = new TextDecoder().decode(serializeManifest(m));
    expect(text).toBe(
      `{\n  "format": "${MANIFEST_FORMAT}",\n  "version": "1.0.0",\n  "files": {\n    "assets/a.js": "${m.files['assets/a.js']}",\n    "index.html": "${m.files['index.html']}"\n  }\n}\n`,
    );
    expect(parseManifest(serializeManifest(m))).toEqual(m);
  });

  it('refuses malformed manifests with bad_manifest', () => {
    const h = 'a'.repeat(64);
    const ok = { format: MANIFEST_FORMAT, version: '1.0.0', files: { 'index.html': h } };
    const cases: unknown[] = [
      'not json',
      '[]',
      'null',
      { ...ok, format: 'other/1' },
      { ...ok, version: 'v1' },
      { ...ok, version: '01.0.0' },
      { ...ok, files: [] },
      { ...ok, files: {} },
      { ...ok, files: { 'index.html': 'A'.repeat(64) } },
      { ...ok, files: { 'index.html': 12 } },
      { ...ok, files: { '../etc/passwd': h } },
      { ...ok, files: { '/index.html': h } },
      { ...ok, files: { 'a//b': h } },
      { ...ok, files: { './a': h } },
      { ...ok, files: { '.hidden': h } },
      { ...ok, files: { 'release.note': h } },
      { ...ok, files: { 'a\\b': h } },
      { ...ok, files: Object.fromEntries(Array.from({ length: 4097 }, (_, i) => [`f${i}`, h])) },
    ];
    for (const c of cases)
      expect(() => parseManifest(bytes(c)), JSON.stringify(c).slice(0, 80)).toThrow(
        expect.objectContaining({ code: 'bad_manifest' }),
      );
    expect(() => parseManifest(new Uint8Array(1024 * 1024 + 1))).toThrow(
      expect.objectContaining({ code: 'bad_manifest' }),
    );
    expect(() => parseManifest(Uint8Array.of(0xff, 0xfe))).toThrow(
      expect.objectContaining({ code: 'bad_manifest' }),
    );
  });

  it('keeps a __proto__ path as a plain entry (no prototype pollution)', () => {
    const m = parseManifest(
      bytes(`{"format":"${MANIFEST_FORMAT}","version":"1.0.0","files":{"__proto__":"${'b'.repeat(64)}"}}`),
    );
    expect(Object.keys(m.files)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('validates asset paths', () => {
    for (const p of ['index.html', 'assets/x-1.js', 'p/index.html', 'a/b/c@2x.png'])
      expect(isValidAssetPath(p)).toBe(true);
    for (const p of ['', '..', 'a/../b', 'a/', '/a', 'a b', 'a?b', 'x'.repeat(513)])
      expect(isValidAssetPath(p)).toBe(false);
  });

  it('orders versions by semver precedence', () => {
    const ordered = [
      '0.9.9',
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0',
      '1.0.1',
      '1.10.0',
      '10.0.0',
    ];
    for (let i = 0; i < ordered.length; i++)
      for (let j = 0; j < ordered.length; j++)
        expect(Math.sign(compareVersions(ordered[i]!, ordered[j]!)), `${ordered[i]} vs ${ordered[j]}`).toBe(
          Math.sign(i - j),
        );
    expect(() => compareVersions('1', '1.0.0')).toThrow(expect.objectContaining({ code: 'bad_release' }));
  });
});

describe('release statement and verification', () => {
  const signer = generateSigner('rel.test');
  const manifest = serializeManifest(createManifest('2.0.0', files));
  const note = enc.encode(
    signNote(formatStatement({ version: '2.0.0', manifestSha256: sha256Hex(manifest) }), signer),
  );

  it('verifies a signed release and names its key', () => {
    const r = verifyRelease(note, manifest, signer);
    expect(r.version).toBe('2.0.0');
    expect(r.key).toMatch(/^rel\.test\+[0-9a-f]{8}$/);
    expect(() => checkAsset(r.manifest, 'assets/a.js', enc.encode('a'))).not.toThrow();
    expect(() => checkAsset(r.manifest, 'assets/a.js', enc.encode('b'))).toThrow(
      expect.objectContaining({ code: 'asset_mismatch', file: 'assets/a.js' }),
    );
    expect(() => checkAsset(r.manifest, 'other.js', enc.encode('a'))).toThrow(
      expect.objectContaining({ code: 'asset_missing' }),
    );
  });

  it('refuses a different manifest, a version mismatch and a statement of another shape', () => {
    const other = serializeManifest(createManifest('2.0.0', new Map([['index.html', enc.encode('x')]])));
    expect(() => verifyRelease(note, other, signer)).toThrow(
      expect.objectContaining({ code: 'manifest_mismatch', file: 'manifest.json' }),
    );
    const lying = serializeManifest(createManifest('3.0.0', files));
    const lyingNote = enc.encode(
      signNote(formatStatement({ version: '2.0.0', manifestSha256: sha256Hex(lying) }), signer),
    );
    expect(() => verifyRelease(lyingNote, lying, signer)).toThrow(
      expect.objectContaining({ code: 'bad_release' }),
    );
    for (const t of [
      'sealpeer-app release\nversion 1.0.0\n',
      `sealpeer-app release\nversion 1.0.0\nmanifest-sha256 ${'a'.repeat(64)}\nextra\n`,
      `Sealpeer-app release\nversion 1.0.0\nmanifest-sha256 ${'a'.repeat(64)}\n`,
    ])
      expect(() => parseStatement(t)).toThrow(expect.objectContaining({ code: 'bad_release' }));
    expect(() => formatStatement({ version: 'x', manifestSha256: 'a'.repeat(64) })).toThrow();
  });

  it('takes only strictly newer releases', () => {
    const r = verifyRelease(note, manifest, signer);
    expect(checkUpgrade({ version: '2.0.0', manifestSha256: r.manifestSha256 }, r)).toBe(false);
    expect(checkUpgrade({ version: '1.9.9', manifestSha256: 'f'.repeat(64) }, r)).toBe(true);
    expect(() => checkUpgrade({ version: '2.0.0', manifestSha256: 'f'.repeat(64) }, r)).toThrow(
      expect.objectContaining({ code: 'downgrade' }),
    );
    expect(() => checkUpgrade({ version: '2.0.1', manifestSha256: 'f'.repeat(64) }, r)).toThrow(
      expect.objectContaining({ code: 'downgrade' }),
    );
  });
});

describe('asset paths of URLs', () => {
  it('maps URLs under the app base to manifest paths and nothing else', () => {
    const base = 'https://app.example/sealpeer/';
    expect(assetPath('https://app.example/sealpeer/', base)).toBe('index.html');
    expect(assetPath('/sealpeer/assets/a.js?v=1#x', base)).toBe('assets/a.js');
    expect(assetPath('assets/a%20b.js', base)).toBe('assets/a b.js');
    expect(assetPath('/sealpeer/p/', base)).toBe('p/index.html');
    expect(assetPath('https://evil.example/sealpeer/a.js', base)).toBeUndefined();
    expect(assetPath('/other/a.js', base)).toBeUndefined();
    expect(assetPath('/sealpeer/%E0%A4%A', base)).toBeUndefined();
    expect(appBaseUrl('https://app.example/sealpeer/index.html?x#y')).toBe('https://app.example/sealpeer/');
    expect(appBaseUrl('https://app.example/sealpeer')).toBe('https://app.example/sealpeer/');
  });
});
