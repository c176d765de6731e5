#!/usr/bin/env node
// Retakes the README screenshots (docs/img/*.png): runs the pairing e2e tests in Chromium with
// SEALPEER_SCREENSHOTS pointing at docs/img. `npm run screenshots -w @sealpeer/app`.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const res = spawnSync(
  process.execPath,
  [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'packages/app/test/e2e/'],
  { cwd: root, stdio: 'inherit', env: { ...process.env, SEALPEER_SCREENSHOTS: join(root, 'docs/img') } },
);
process.exit(res.status ?? 1);
