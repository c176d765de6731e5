import { integrityMatches } from '@sealpeer/client/release';
import { describe, expect, it } from 'vitest';
import { addSri } from '../../build/html-sri.ts';

const enc = new TextEncoder();
const built = new Map([
  ['assets/main-1.js', enc.encode('console.log("main")')],
  ['assets/style-1.css', enc.encode('body{}')],
  ['assets/dep-1.js', enc.encode('export const x = 1')],
]);
const read = (url: string): Uint8Array | undefined => built.get(url.replace(/^\//, ''));

describe('build: SRI on built HTML', () => {
  it('adds integrity and crossorigin to every script, stylesheet and modulepreload', () => {
    const html = `<script type="module" crossorigin src="/assets/main-1.js"></script>
<link rel="modulepreload" crossorigin href="/assets/dep-1.js">
<link rel="stylesheet" crossorigin href="/assets/style-1.css" />
<link rel="icon" href="/favicon.svg">`;
    const out = addSri(html, 'index.html', read);
    const tags = [...out.matchAll(/<(?:script|link)[^>]*integrity="([^"]+)"[^>]*>/g)];
    expect(tags).toHaveLength(3);
    expect(integrityMatches(tags[0]![1]!, built.get('assets/main-1.js')!)).toBe(true);
    expect(integrityMatches(tags[1]![1]!, built.get('assets/dep-1.js')!)).toBe(true);
    expect(integrityMatches(tags[2]![1]!, built.get('assets/style-1.css')!)).toBe(true);
    expect(out.match(/crossorigin/g)).toHaveLength(3);
    expect(out).toContain('<link rel="icon" href="/favicon.svg">');
    expect(out).toContain('integrity="sha384-');
    expect(addSri(out, 'index.html', read)).toBe(out); // idempotent: old attributes are replaced
  });

  it('fails the build on an inline script or a file the build did not produce', () => {
    expect(() => addSri('<script>alert(1)</script>', 'index.html', read)).toThrow(/inline <script>/);
    expect(() => addSri('<script src="https://cdn.example/x.js"></script>', 'index.html', read)).toThrow(
      /not a file of this build/,
    );
  });
});
