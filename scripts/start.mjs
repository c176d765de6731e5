#!/usr/bin/env node
// `npm start`: see scripts/start/main.ts (options: `npm start -- --help`). Runs the TypeScript through
// tsx's loader, like the services' bins.
import { register } from 'tsx/esm/api';

register();
await import('./start/main.ts');
