#!/usr/bin/env node
// The npm registry reachable from this project's machines serves only the linux-glibc builds of
// platform-specific optional packages (@rollup/rollup-*, @biomejs/cli-*). `npm install` then leaves the
// other platforms' entries out of package-lock.json, and `npm ci` refuses such a lock as "out of sync".
// This adds the missing optional entries (os/cpu/libc read from the package name) so the lock is
// complete, as it would be when written against the full registry. Run it after `npm install`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const pkgs = lock.packages;
const OS = ['android', 'darwin', 'linux', 'win32', 'freebsd', 'openbsd', 'openharmony'];
const CPU = ['arm64', 'x64', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'arm'];
let added = 0;
for (const [key, entry] of Object.entries(pkgs)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const slot = `node_modules/${name}`;
    if (pkgs[slot] || !/^@(rollup|biomejs)\//.test(name)) continue;
    const parts = name.split('/')[1].split('-');
    const os = parts.find((p) => OS.includes(p));
    const cpu = parts.find((p) => CPU.includes(p));
    if (!os || !cpu) continue;
    const extra = {};
    if (os === 'linux') extra.libc = [name.includes('musl') ? 'musl' : 'glibc'];
    pkgs[slot] = {
      version,
      cpu: [cpu],
      ...(pkgs[key].dev ? { dev: true } : {}),
      ...extra,
      optional: true,
      os: [os],
    };
    added++;
  }
}
const sorted = Object.fromEntries(
  Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
lock.packages = sorted;
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock: added ${added} platform entries`);
