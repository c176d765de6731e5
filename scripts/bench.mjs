#!/usr/bin/env node
console.error('bench: not written yet (issue 8)');
process.exit(1);
