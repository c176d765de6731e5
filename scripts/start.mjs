#!/usr/bin/env node
// `npm start`: runs the relay server and the keyshare side by side on localhost, each with its own
// storage under ./data, and forwards SIGINT/SIGTERM to both so they shut down cleanly.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The server serves the browser app from packages/app/dist: build it when missing or stale
// (SEALPEER_SKIP_APP_BUILD=1 skips this, e.g. for tests that only need the services to start).
if (process.env.SEALPEER_SKIP_APP_BUILD !== '1')
  (await import('../packages/app/scripts/ensure-built.mjs')).ensureBuilt();
const services = [
  {
    name: 'server',
    bin: join(root, 'packages/server/bin/sealpeer-server.js'),
    args: ['--data-dir', process.env.SEALPEER_DATA_DIR ?? join(root, 'data/server')],
  },
  {
    name: 'keyshare',
    bin: join(root, 'packages/keyshare/bin/sealpeer-keyshare.js'),
    args: ['--data-dir', process.env.SEALPEER_KEYSHARE_DATA_DIR ?? join(root, 'data/keyshare')],
  },
];

const children = [];
let stopping = false;
for (const svc of services) {
  if (!existsSync(join(root, `packages/${svc.name}/src/cli.ts`))) continue;
  const child = spawn(process.execPath, [svc.bin, ...svc.args, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: process.env,
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`sealpeer: ${svc.name} exited (${signal ?? code}); stopping the others`);
      stop(code ?? 1);
    }
  });
  children.push(child);
}

function stop(code) {
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.on('exit', r)) : null))).then(
    () => process.exit(code),
  );
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
