// Adds Subresource Integrity (W3C SRI section 3.2) to every <script src> and every
// <link rel=stylesheet|modulepreload|preload> of a built HTML page: integrity="sha384-..." plus
// crossorigin (required for SRI on module scripts and so the check also applies to CORS loads).
import { sriSha384 } from '../../client/src/release/index.ts';

/** Resolves a src/href of `htmlFile` to the bytes of the built file it names, or undefined. */
export type ReadBuilt = (url: string, htmlFile: string) => Uint8Array | undefined;

const TAG = /<(script|link)\b([^>]*)>/gi;
const LOADING_RELS = /\brel\s*=\s*["']?(?:stylesheet|modulepreload|preload)\b/i;

function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'=<>\`]+))`, 'i').exec(attrs);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

/**
 * Returns `html` with integrity and crossorigin on every loading tag. Throws when a tag names a file the
 * build did not produce (an external or missing asset cannot be pinned) or is an inline script.
 */
export function addSri(html: string, htmlFile: string, read: ReadBuilt): string {
  return html.replace(TAG, (whole, tagName: string, attrs: string) => {
    const tag = tagName.toLowerCase();
    if (tag === 'link' && !LOADING_RELS.test(attrs)) return whole;
    const url = attr(attrs, tag === 'script' ? 'src' : 'href');
    if (url === undefined) throw new Error(`${htmlFile}: inline <${tag}> is not allowed (CSP, SRI)`);
    const bytes = read(url, htmlFile);
    if (!bytes) throw new Error(`${htmlFile}: ${url} is not a file of this build; cannot add SRI`);
    let rest = attrs.replace(/\s(integrity|crossorigin)(\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?/gi, '');
    const selfClosing = /\/\s*$/.test(rest);
    if (selfClosing) rest = rest.replace(/\s*\/\s*$/, '');
    return `<${tagName}${rest} integrity="${sriSha384(bytes)}" crossorigin="anonymous"${selfClosing ? ' /' : ''}>`;
  });
}
