import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { checkSubresources, findSubresources, integrityMatches, sriSha384 } from '../../src/release/index.ts';

const enc = new TextEncoder();
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const js = enc.encode('alert(1)');

describe('Subresource Integrity', () => {
  it('computes the SRI example of the W3C spec', () => {
    // SRI section 3.1 example: sha384 of "alert('Hello, world.');"
    expect(sriSha384(enc.encode("alert('Hello, world.');"))).toBe(
      'sha384-H8BRh8j48O9oYatfu5AZzq6A9RINhZO5H16dQZngK7T62em8MUt1FLm52t+eX6xO',
    );
  });

  it('matches only with the strongest algorithm present (SRI 3.3.5)', () => {
    const s256 = `sha256-${b64(sha256(js))}`;
    const s512 = `sha512-${b64(sha512(js))}`;
    expect(integrityMatches(sriSha384(js), js)).toBe(true);
    expect(integrityMatches(`${s256} ${sriSha384(js)}`, js)).toBe(true);
    expect(integrityMatches(`${sriSha384(js)} sha512-${b64(sha512(enc.encode('other')))}`, js)).toBe(false);
    expect(integrityMatches(`md5-abc ${s512}`, js)).toBe(true);
    expect(integrityMatches('md5-abc', js)).toBe(false);
    expect(integrityMatches('', js)).toBe(false);
    expect(integrityMatches(sriSha384(js), enc.encode('alert(2)'))).toBe(false);
  });

  it('finds scripts and loading links, not comments or other links', () => {
    const html = `<!-- <script src="/old.js"></script> -->
<SCRIPT type=module src=/a.js integrity='sha384-x' crossorigin></SCRIPT>
<link rel="icon" href="/f.svg"><link rel="modulepreload" href="/b.js">
<link rel=stylesheet href="/c.css" integrity="sha384-y" crossorigin="anonymous"><script>inline()</script>`;
    expect(findSubresources(html)).toEqual([
      { tag: 'script', url: '/a.js', integrity: 'sha384-x', crossorigin: '' },
      { tag: 'link', url: '/b.js', integrity: undefined, crossorigin: undefined },
      { tag: 'link', url: '/c.css', integrity: 'sha384-y', crossorigin: 'anonymous' },
      { tag: 'script', url: undefined, integrity: undefined, crossorigin: undefined },
    ]);
  });

  it('refuses missing, wrong, external and inline subresources, naming the file', () => {
    const files = new Map([['a.js', js]]);
    const check = (html: string): string[] =>
      checkSubresources(
        html,
        (u) => (u.startsWith('/') ? u.slice(1) : undefined),
        (p) => files.get(p),
      );
    expect(check(`<script src="/a.js" integrity="${sriSha384(js)}" crossorigin></script>`)).toEqual(['a.js']);
    const cases: Array<[string, string]> = [
      ['<script src="/a.js" crossorigin></script>', 'sri_missing'],
      [`<script src="/a.js" integrity="${sriSha384(js)}"></script>`, 'sri_missing'],
      [`<script src="/a.js" integrity="${sriSha384(enc.encode('x'))}" crossorigin></script>`, 'sri_mismatch'],
      [
        `<script src="https://cdn.example/a.js" integrity="${sriSha384(js)}" crossorigin></script>`,
        'sri_mismatch',
      ],
      [`<script src="/b.js" integrity="${sriSha384(js)}" crossorigin></script>`, 'asset_missing'],
      ['<script>evil()</script>', 'sri_missing'],
    ];
    for (const [html, code] of cases)
      expect(() => check(html), html).toThrow(expect.objectContaining({ code }));
  });
});
