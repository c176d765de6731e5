#!/usr/bin/env node
// `npm run harden [-- --quick] [--no-crash] [--no-fuzz]`: runs the hostile-load harness bench/harden/run.ts
// through tsx. The slowloris rows open thousands of sockets, so the soft open-files limit is raised to the
// hard limit first (through the shell's ulimit, which applies to this child and its children).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quoted = process.argv
  .slice(2)
  .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
  .join(' ');
const script = `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "${process.execPath}" --import tsx bench/harden/run.ts ${quoted}`;
const child = spawn('sh', ['-c', script], { cwd: root, stdio: 'inherit' });
const forward = (sig) => child.kill(sig);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
