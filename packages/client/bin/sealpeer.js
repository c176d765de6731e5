#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`; in the repository `npm ci` builds it).
const { run } = await import('../dist/cli.js');
try {
  process.exitCode = await run(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`sealpeer: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
