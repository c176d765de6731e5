#!/usr/bin/env node
// `npm run bench [-- --quick | --only=... | --profile | --markdown]`: runs bench/run.ts through tsx.
import { runTsx } from './run-tsx.mjs';

runTsx('bench/run.ts');
