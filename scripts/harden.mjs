#!/usr/bin/env node
// `npm run harden [-- --quick] [--no-crash] [--no-fuzz] [--only ...] [--fuzz-runs N] ...` (options: bench/harden/run.ts): runs the hostile-load harness bench/harden/run.ts
// through tsx (docs/hardening.md).
import { runTsx } from './run-tsx.mjs';

runTsx('bench/harden/run.ts');
