#!/usr/bin/env node
// `npm start`: see scripts/start/main.ts (options: `npm start -- --help`). Compiles the packages first when
// a source changed since the last build (the services' bins run dist/), then runs main.ts through tsx.
import { register } from 'tsx/esm/api';
import { ensureBuilt } from './build.mjs';

ensureBuilt();
register();
await import('./start/main.ts');
