#!/usr/bin/env node
// Builds packages/app/dist when it is missing or older than any app or client source file, so that
// `npm start` on a fresh clone (or after a pull) serves the current app. Plain JS: runs before tsx exists.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestMtime } from '../../../scripts/build.mjs';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(appDir, '../..');
const sources = [
  join(appDir, 'src'),
  join(appDir, 'build'),
  join(appDir, 'public'),
  join(appDir, 'index.html'),
  join(appDir, 'vite.config.ts'),
  join(root, 'packages/client/src'),
];

/** Returns true when dist/index.html is missing or older than the newest source file. */
export function isStale() {
  const built = join(appDir, 'dist/index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return sources.some((s) => newestMtime(s) > builtAt);
}

export function ensureBuilt() {
  if (!isStale()) return;
  console.error('sealpeer: building the browser app (packages/app/dist)…');
  const vite = join(root, 'node_modules/vite/bin/vite.js');
  const res = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: appDir,
    stdio: 'inherit',
  });
  if (res.status !== 0) {
    console.error(
      'sealpeer: building the app failed; fix the error above or run `npm run build -w @sealpeer/app`',
    );
    process.exit(res.status ?? 1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) ensureBuilt();
