// Builds the app once per source state with Vite's build API into a temp dir shared by all e2e test files
// (keyed by a hash of the sources, written to a private dir and renamed into place, so parallel test
// files never see a half-written bundle).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { appRoot, appViteConfig } from '../../src/node/paths.ts';

const SOURCES = [
  'src',
  'build',
  'public',
  'index.html',
  'vite.config.ts',
  'trusted-keyshares.json',
  '../client/src',
  '../keyshare/src',
];

function hashTree(hash: ReturnType<typeof createHash>, path: string): void {
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) hashTree(hash, join(path, name));
    return;
  }
  hash.update(path);
  hash.update(readFileSync(path));
}

/**
 * Returns a directory holding the built app for the current sources. `trustedKeyshares`: the built-in
 * keyshare list to build with (JSON text, as SEALPEER_TRUSTED_KEYSHARES may hold it), else the
 * checked-in one; part of the cache key.
 */
export async function buildAppOnce(opts: { trustedKeyshares?: string } = {}): Promise<string> {
  const hash = createHash('sha256');
  for (const s of SOURCES) hashTree(hash, join(appRoot, s));
  if (opts.trustedKeyshares !== undefined) hash.update(`trusted:${opts.trustedKeyshares}`);
  const outDir = join(tmpdir(), `sealpeer-app-build-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(join(outDir, 'index.html'))) return outDir;
  const tmp = `${outDir}.${process.pid}.tmp`;
  // The plugin reads the list from the environment while Vite resolves its config (this file's
  // builds run one at a time in a test process); the previous value is put back at once.
  const before = process.env.SEALPEER_TRUSTED_KEYSHARES;
  if (opts.trustedKeyshares !== undefined) process.env.SEALPEER_TRUSTED_KEYSHARES = opts.trustedKeyshares;
  else delete process.env.SEALPEER_TRUSTED_KEYSHARES;
  try {
    await build({
      configFile: appViteConfig,
      root: appRoot,
      logLevel: 'warn',
      build: { outDir: tmp, emptyOutDir: true },
    });
  } finally {
    if (before === undefined) delete process.env.SEALPEER_TRUSTED_KEYSHARES;
    else process.env.SEALPEER_TRUSTED_KEYSHARES = before;
  }
  try {
    renameSync(tmp, outDir);
  } catch (err) {
    // Another test file finished the same build first: use its copy.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(outDir, 'index.html'))) throw err;
  }
  return outDir;
}
