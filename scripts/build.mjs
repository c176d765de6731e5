#!/usr/bin/env node
// Compiles @sealpeer/client, @sealpeer/server and @sealpeer/keyshare to their dist/ folders (JavaScript,
// .d.ts, source maps) with `tsc -b tsconfig.build.json`, incremental. The packages' "exports" and bins
// point at dist/; the workspace's own dev paths (vitest, vite, tsx) use the sources through the
// `@sealpeer/source` export condition. Plain JS: runs from `npm ci` (root "prepare") before anything else.
//   node scripts/build.mjs             # build (tsc decides what is out of date)
//   node scripts/build.mjs --if-stale  # only start tsc when a source is newer than the last build
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGES = ['client', 'server', 'keyshare'];

/** The newest modification time (ms) of a file or of any file under a directory; 0 when it is absent. */
export function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

// Written after each successful build (tsc leaves its .tsbuildinfo untouched when nothing needed emitting,
// e.g. after a package.json edit).
const STAMP = join(root, 'node_modules/.cache/sealpeer-build/stamp');

/** True when a dist/ is missing or a source, build config or package.json changed since the last build. */
export function isStale() {
  if (!existsSync(STAMP)) return true;
  const dists = PACKAGES.map((p) => join(root, 'packages', p, 'dist/tsconfig.build.tsbuildinfo'));
  if (!dists.every((f) => existsSync(f))) return true;
  const inputs = [join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json')];
  for (const p of PACKAGES)
    for (const f of ['src', 'tsconfig.build.json', 'package.json']) inputs.push(join(root, 'packages', p, f));
  return Math.max(...inputs.map(newestMtime)) > statSync(STAMP).mtimeMs;
}

export function build() {
  const started = new Date();
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const res = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (res.status !== 0) {
    console.error('sealpeer: compiling the packages failed; fix the error above, then run `npm run build`');
    process.exit(res.status ?? 1);
  }
  // Stamped with the start time: a source saved while tsc ran leaves the next check stale.
  mkdirSync(dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, '');
  utimesSync(STAMP, started, started);
}

/** Builds only when a source changed since the last build: a few milliseconds when nothing did. */
export function ensureBuilt() {
  if (!isStale()) return;
  console.error('sealpeer: compiling packages/{client,server,keyshare} to dist/…');
  build();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--if-stale')) ensureBuilt();
  else build();
}
