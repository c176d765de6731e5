#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx's loader (no build step needed).
import { register } from 'tsx/esm/api';

register();
const { run } = await import('./cli.ts');
try {
  process.exitCode = await run(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`sealpeer-app: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
