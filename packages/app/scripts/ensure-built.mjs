#!/usr/bin/env node
// Builds packages/app/dist when it is missing or older than any app or client source file, so that
// `npm start` on a fresh clone (or after a pull) serves the current app. Plain JS: runs before tsx exists.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
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
  join(appDir, 'trusted-keyshares.json'),
  join(root, 'packages/client/src'),
];

/** `url|verifierKey` of each entry of a trusted-keyshares list file, sorted; null when unreadable. */
function listedKeys(file) {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8'));
    return v.keyshares.map((k) => `${new URL(k.url).origin}|${String(k.verifierKey).trim()}`).sort();
  } catch {
    return null;
  }
}

/**
 * The built-in keyshare list the build would embed (SEALPEER_TRUSTED_KEYSHARES as a file path, else the
 * checked-in file) differs from the one dist embeds (dist/trusted-keyshares.json).
 */
function trustedListChanged() {
  const env = process.env.SEALPEER_TRUSTED_KEYSHARES;
  if (env?.trim().startsWith('{')) return true; // inline JSON: no file to compare; build to be sure
  const wanted = listedKeys(env?.trim() ? env : join(appDir, 'trusted-keyshares.json'));
  const built = listedKeys(join(appDir, 'dist/trusted-keyshares.json'));
  return JSON.stringify(wanted) !== JSON.stringify(built);
}

/**
 * Returns true when dist/index.html is missing or older than the newest source file, or dist embeds
 * another built-in keyshare list than the build would.
 */
export function isStale() {
  const built = join(appDir, 'dist/index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return sources.some((s) => newestMtime(s) > builtAt) || trustedListChanged();
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
