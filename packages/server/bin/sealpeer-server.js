#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`; in the repository `npm ci` builds it).
await import('../dist/cli.js');
