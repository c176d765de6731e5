#!/usr/bin/env node
// `npm run sbom [-- --out DIR]`: a CycloneDX SBOM of each package's production dependencies, from the
// lockfile (npm sbom, npm >= 10), written to DIR/<package>.cdx.json (default dist/sbom).
// docs/operators/supply-chain.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const at = process.argv.indexOf('--out');
const out = at > 0 ? process.argv[at + 1] : join(root, 'dist/sbom');
if (!out) {
  console.error('usage: npm run sbom [-- --out DIR]');
  process.exit(64);
}
mkdirSync(out, { recursive: true });
const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces;
let failed = 0;
for (const ws of workspaces) {
  const name = JSON.parse(readFileSync(join(root, ws, 'package.json'), 'utf8')).name;
  const r = spawnSync(
    'npm',
    ['sbom', '--sbom-format', 'cyclonedx', '--omit=dev', '--package-lock-only', '-w', name],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (r.status !== 0) {
    failed++;
    console.error(`${name}: npm sbom failed: ${r.stderr.trim()}`);
    continue;
  }
  const bom = JSON.parse(r.stdout);
  const file = join(out, `${name.replace(/^@/, '').replace(/\//g, '-')}.cdx.json`);
  writeFileSync(file, `${JSON.stringify(bom, null, 2)}\n`);
  console.log(`${name}: ${bom.components?.length ?? 0} components -> ${file}`);
}
process.exit(failed > 0 ? 1 : 0);
