#!/usr/bin/env node
// `npm run harden [-- --quick] [--no-crash] [--no-fuzz]`: runs the hostile-load harness bench/harden/run.ts
// through tsx (docs/hardening.md).
import { runTsx } from './run-tsx.mjs';

runTsx('bench/harden/run.ts');
