// Checks what a web server serves against a release: every manifest file byte for byte (SHA-256), and
// index.html's Subresource Integrity attributes against the files they name. Collects every problem
// instead of stopping at the first, so a report names all modified files. Fetching is injected.
import { CodedError } from '../crypto/errors.ts';
import { ReleaseError, type ReleaseErrorCode } from './errors.ts';
import type { Manifest } from './manifest.ts';
import { sha256Hex } from './manifest.ts';
import { checkSubresources } from './sri.ts';
import { assetPath } from './verify.ts';

/** Fetches `url` and returns its body; throws SiteUnreachable when the server cannot be reached at all. */
export type FetchBytes = (url: string) => Promise<{ status: number; bytes: Uint8Array }>;

/** The web server could not be reached at all (no HTTP answer); `sealpeer verify-app` exits 1. */
export class SiteUnreachable extends CodedError<'site_unreachable'> {
  override readonly name = 'SiteUnreachable';
  constructor(message: string) {
    super('site_unreachable', message);
  }
}

export interface FileResult {
  readonly path: string;
  readonly ok: boolean;
  readonly code?: ReleaseErrorCode;
  readonly detail?: string;
}

export interface SiteReport {
  readonly ok: boolean;
  readonly files: FileResult[];
  /** Problems not tied to one manifest file (SRI on index.html). */
  readonly problems: FileResult[];
}

/** The app base URL for a user-given URL: `http://h/app` and `http://h/app/index.html` -> `http://h/app/`. */
export function appBaseUrl(url: string): string {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  if (u.pathname.endsWith('/index.html')) u.pathname = u.pathname.slice(0, -'index.html'.length);
  else if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u.href;
}

export async function checkSite(
  base: string,
  manifest: Manifest,
  fetchBytes: FetchBytes,
): Promise<SiteReport> {
  const served = new Map<string, Uint8Array>();
  const files: FileResult[] = [];
  for (const [path, want] of Object.entries(manifest.files)) {
    // index.html is fetched as the browser does: at the app's base URL itself.
    const url = path === 'index.html' ? base : new URL(path, base).href;
    const r = await fetchBytes(url);
    if (r.status !== 200) {
      files.push({ path, ok: false, code: 'asset_missing', detail: `HTTP ${r.status}` });
      continue;
    }
    served.set(path, r.bytes);
    const got = sha256Hex(r.bytes);
    files.push(
      got === want
        ? { path, ok: true }
        : { path, ok: false, code: 'asset_mismatch', detail: `served sha256 ${got}, release has ${want}` },
    );
  }
  const problems: FileResult[] = [];
  const html = served.get('index.html');
  if (html) {
    try {
      checkSubresources(
        new TextDecoder().decode(html),
        (u) => assetPath(u, base),
        (p) => served.get(p),
      );
    } catch (err) {
      if (!(err instanceof ReleaseError)) throw err;
      problems.push({ path: err.file ?? 'index.html', ok: false, code: err.code, detail: err.message });
    }
  }
  return { ok: files.every((f) => f.ok) && problems.length === 0, files, problems };
}
