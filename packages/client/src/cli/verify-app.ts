// `sealpeer verify-app URL [--key K | --manifest F]`: checks that the app a server serves is a signed
// release (or exactly a given manifest). Exit codes: 0 verified, 1 network, 2 usage, 3 integrity.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  appBaseUrl,
  checkSite,
  type FetchBytes,
  MANIFEST_FILE,
  type Manifest,
  parseManifest,
  parseVerifierKey,
  RELEASE_NOTE_FILE,
  ReleaseError,
  type SiteReport,
  SiteUnreachable,
  verifyRelease,
} from '../release/index.ts';

const HELP = `Usage: sealpeer verify-app URL [--key KEY | --manifest FILE] [--json] [--timeout MS]

Fetches the app served at URL (index.html, manifest.json, release.note and every file of the release)
and checks each file's SHA-256 against the release, and index.html's integrity attributes.

  --key KEY        release verifier key (name+hex8+base64) or a file holding it; release.note must
                   verify with it (env SEALPEER_RELEASE_KEY)
  --manifest FILE  a manifest.json you trust (e.g. from your own reproducible build) instead of a key
  --json           print the report as JSON
  --timeout MS     per-request timeout (default 15000)

Exit codes: 0 verified, 1 network error, 2 usage, 3 integrity failure (the file at fault is named).
`;

const MAX_BYTES = 32 * 1024 * 1024;

function nodeFetcher(timeoutMs: number): FetchBytes {
  return async (url) => {
    let res: Response;
    try {
      res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new SiteUnreachable(`cannot fetch ${url}: ${cause ?? (err as Error).message}`);
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.length > MAX_BYTES)
      throw new ReleaseError('asset_mismatch', `${url} is larger than ${MAX_BYTES} bytes`);
    return { status: res.status, bytes };
  };
}

function readKey(k: string): string {
  if (k.includes('+')) return k;
  try {
    return readFileSync(k, 'utf8');
  } catch {
    return k;
  }
}

async function reference(
  base: string,
  f: FetchBytes,
  opts: { key?: string; manifest?: string },
): Promise<{ manifest: Manifest; label: string }> {
  if (opts.manifest !== undefined)
    return { manifest: parseManifest(readFileSync(opts.manifest)), label: `manifest ${opts.manifest}` };
  const verifier = parseVerifierKey(readKey(opts.key!));
  const [note, man] = await Promise.all([
    f(new URL(RELEASE_NOTE_FILE, base).href),
    f(new URL(MANIFEST_FILE, base).href),
  ]);
  for (const [name, r] of [
    [RELEASE_NOTE_FILE, note],
    [MANIFEST_FILE, man],
  ] as const)
    if (r.status !== 200)
      throw new ReleaseError('asset_missing', `${name}: the server answered HTTP ${r.status}`, name);
  const rel = verifyRelease(note.bytes, man.bytes, verifier);
  return { manifest: rel.manifest, label: `release ${rel.version} signed by ${rel.key}` };
}

function print(report: SiteReport, label: string, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ reference: label, ...report }, null, 2)}\n`);
    return;
  }
  for (const r of [...report.files, ...report.problems])
    process.stdout.write(r.ok ? `ok        ${r.path}\n` : `MISMATCH  ${r.path}  ${r.code}: ${r.detail}\n`);
  const bad = [...new Set([...report.files, ...report.problems].filter((r) => !r.ok).map((r) => r.path))];
  process.stdout.write(
    report.ok
      ? `verified: ${report.files.length} files match ${label}\n`
      : `NOT VERIFIED against ${label}: ${bad.join(', ')}\n`,
  );
}

export async function main(argv: string[]): Promise<number> {
  let values: { key?: string; manifest?: string; json?: boolean; timeout?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        key: { type: 'string' },
        manifest: { type: 'string' },
        json: { type: 'boolean' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    process.stderr.write(`verify-app: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const key = values.key ?? (values.manifest === undefined ? process.env.SEALPEER_RELEASE_KEY : undefined);
  const timeout = Number(values.timeout ?? 15_000);
  const usage = (msg: string): number => {
    process.stderr.write(`verify-app: ${msg}\n\n${HELP}`);
    return 2;
  };
  if (positionals.length !== 1) return usage('expected exactly one URL');
  if (values.key !== undefined && values.manifest !== undefined)
    return usage('give --key or --manifest, not both');
  if (!key && values.manifest === undefined) return usage('give --key KEY or --manifest FILE');
  if (!Number.isInteger(timeout) || timeout <= 0) return usage('--timeout must be a positive number of ms');
  let base: string;
  try {
    base = appBaseUrl(positionals[0]!);
    if (!/^https?:$/.test(new URL(base).protocol)) throw new Error('not http(s)');
  } catch {
    return usage(`not an http(s) URL: ${positionals[0]}`);
  }
  const f = nodeFetcher(timeout);
  try {
    const ref = await reference(base, f, key ? { key } : { manifest: values.manifest! });
    const report = await checkSite(base, ref.manifest, f);
    print(report, ref.label, values.json === true);
    return report.ok ? 0 : 3;
  } catch (err) {
    if (err instanceof SiteUnreachable) {
      process.stderr.write(`verify-app: ${err.message}\nIs the server running and the URL right?\n`);
      return 1;
    }
    if (err instanceof ReleaseError) {
      if (err.code === 'bad_key' || (values.manifest !== undefined && err.code === 'bad_manifest'))
        return usage(err.message);
      process.stdout.write(`NOT VERIFIED: ${err.file ? `${err.file}: ` : ''}${err.code}: ${err.message}\n`);
      return 3;
    }
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return usage((err as Error).message);
    throw err;
  }
}
