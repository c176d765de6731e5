// Signed test releases of the real app: copy the sources, optionally change them, build with the test
// release key embedded, sign. Also a place to serve them from that the test can rewrite between visits.
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatVerifierKey, type NoteSigner, sriSha384 } from '@sealpeer/client/release';
import { signReleaseDir } from '../../../build/sign.ts';
import { buildApp, copyAppSources } from './build.ts';

export interface TestRelease {
  dir: string;
  version: string;
}

/** Builds and signs the app from a copy in `work`; `edit(appDir)` may change the copy first. */
export async function buildSignedRelease(
  work: string,
  signer: NoteSigner,
  edit?: (appDir: string) => void,
): Promise<TestRelease> {
  const appDir = copyAppSources(work);
  edit?.(appDir);
  const dir = await buildApp(appDir, { SEALPEER_RELEASE_KEY: formatVerifierKey(signer) });
  return { dir, version: signReleaseDir(dir, signer).version };
}

/** Sets the version in the copied app's package.json. */
export function setVersion(appDir: string, version: string): void {
  const p = join(appDir, 'package.json');
  const pkg = JSON.parse(readFileSync(p, 'utf8')) as { version: string };
  pkg.version = version;
  writeFileSync(p, `${JSON.stringify(pkg, null, 2)}\n`);
}

/** Replaces the contents of `serveDir` with a copy of `from`. */
export function publish(from: string, serveDir: string): void {
  for (const e of readdirSync(serveDir)) rmSync(join(serveDir, e), { recursive: true, force: true });
  cpSync(from, serveDir, { recursive: true });
}

/** The one built file whose path matches `re` (e.g. the main script). */
export function builtFile(dir: string, sub: string, re: RegExp): string {
  const hits = readdirSync(join(dir, sub)).filter((f) => re.test(f));
  if (hits.length !== 1) throw new Error(`expected one ${re} in ${dir}/${sub}, found ${hits.length}`);
  return `${sub}/${hits[0]}`;
}

/**
 * Plays the hostile host: appends code to the served main script and rewrites index.html's SRI for it,
 * so that a browser without the pin would run it. Returns the script's path and the new SRI value.
 */
export function tamperMainScript(serveDir: string): { file: string; sri: string } {
  const file = builtFile(serveDir, 'assets', /^main-.*\.js$/);
  writeFileSync(
    join(serveDir, file),
    `${readFileSync(join(serveDir, file), 'utf8')}\n;document.documentElement.dataset.evil = "ran";\n`,
  );
  const sri = sriSha384(readFileSync(join(serveDir, file)));
  const html = readFileSync(join(serveDir, 'index.html'), 'utf8');
  writeFileSync(
    join(serveDir, 'index.html'),
    html.replace(/sha384-[A-Za-z0-9+/=]+(?="[^>]*><\/script>)/, sri),
  );
  return { file, sri };
}
