// Subresource Integrity (W3C SRI, https://www.w3.org/TR/SRI/) for index.html: computing integrity
// values, finding the scripts and stylesheets a page loads, and checking them against the bytes served.
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { toBase64 } from '../keyshare/encoding.ts';
import { ReleaseError } from './errors.ts';

/** The integrity value the build writes: `sha384-<base64>` (SRI section 3.1). */
export function sriSha384(bytes: Uint8Array): string {
  return `sha384-${toBase64(sha384(bytes))}`;
}

export interface Subresource {
  readonly tag: 'script' | 'link';
  /** The src or href attribute; undefined for an inline script. */
  readonly url: string | undefined;
  readonly integrity: string | undefined;
  readonly crossorigin: string | undefined;
}

const ATTR = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
const LOADING_RELS = new Set(['stylesheet', 'modulepreload', 'preload']);

function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(ATTR)) {
    const name = m[1]!.toLowerCase();
    if (!out.has(name)) out.set(name, m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

/** Every <script> and every <link rel=stylesheet|modulepreload|preload> of `html`, in document order. */
export function findSubresources(html: string): Subresource[] {
  const out: Subresource[] = [];
  // Comments are skipped so that a commented-out tag is not mistaken for a live one.
  const body = html.replace(/<!--[\s\S]*?-->/g, '');
  for (const m of body.matchAll(/<(script|link)\b([^>]*)>/gi)) {
    const tag = m[1]!.toLowerCase() as 'script' | 'link';
    const a = attributes(m[2]!);
    if (tag === 'link') {
      const rels = (a.get('rel') ?? '').toLowerCase().split(/\s+/);
      if (!rels.some((r) => LOADING_RELS.has(r))) continue;
    }
    out.push({
      tag,
      url: a.get(tag === 'script' ? 'src' : 'href'),
      integrity: a.get('integrity'),
      crossorigin: a.get('crossorigin'),
    });
  }
  return out;
}

const DIGESTS = { sha256, sha384, sha512 } as const;
const STRENGTH = ['sha256', 'sha384', 'sha512'] as const;

/**
 * SRI section 3.3.5 "Does response match metadataList": only the strongest algorithm present counts, and
 * any one of its values matching is enough. Unknown algorithms are ignored; none known = no match here
 * (stricter than browsers, which then skip the check: a release must always carry a usable hash).
 */
export function integrityMatches(integrity: string, bytes: Uint8Array): boolean {
  const items = integrity
    .trim()
    .split(/\s+/)
    .map((t) => /^(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})(?:\?.*)?$/.exec(t))
    .filter((m): m is RegExpExecArray => m !== null);
  if (items.length === 0) return false;
  const strongest = Math.max(...items.map((m) => STRENGTH.indexOf(m[1] as (typeof STRENGTH)[number])));
  const alg = STRENGTH[strongest]!;
  const expected = toBase64(DIGESTS[alg](bytes));
  return items.some((m) => m[1] === alg && m[2] === expected);
}

/**
 * Checks every subresource of index.html: each must be a same-app file with an integrity attribute and
 * crossorigin, and the integrity must match `read(path)`. Throws ReleaseError naming the file.
 */
export function checkSubresources(
  html: string,
  resolve: (url: string) => string | undefined,
  read: (path: string) => Uint8Array | undefined,
): string[] {
  const checked: string[] = [];
  for (const r of findSubresources(html)) {
    if (r.url === undefined) throw new ReleaseError('sri_missing', `index.html has an inline <${r.tag}>`);
    const path = resolve(r.url);
    if (path === undefined)
      throw new ReleaseError('sri_mismatch', `index.html loads ${r.url} from outside the app`, r.url);
    if (!r.integrity) throw new ReleaseError('sri_missing', `${path} has no integrity attribute`, path);
    if (r.crossorigin === undefined)
      throw new ReleaseError('sri_missing', `${path} has no crossorigin attribute`, path);
    const bytes = read(path);
    if (!bytes)
      throw new ReleaseError('asset_missing', `${path} is referenced by index.html but not served`, path);
    if (!integrityMatches(r.integrity, bytes))
      throw new ReleaseError('sri_mismatch', `${path} does not match its integrity attribute`, path);
    checked.push(path);
  }
  return checked;
}
