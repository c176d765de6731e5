// Runs a TypeScript entry point through tsx with this process's arguments, the soft open-files limit
// raised to the hard limit first (as root, the hard limit too) (through the shell's ulimit, which applies to the child and its
// children): `npm run bench` and `npm run harden` open thousands of sockets. The entry and what it imports
// run from the workspace sources (`@sealpeer/source` condition); the bins it spawns run dist/, compiled
// first when stale.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './build.mjs';

export function runTsx(entry) {
  ensureBuilt();
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const quoted = process.argv
    .slice(2)
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  // As root the hard limit itself is raised (to 262144, within fs.nr_open) for the 100k-socket bench.
  const raise =
    'h=$(ulimit -Hn); [ "$h" != unlimited ] && [ "$h" -lt 262144 ] && [ "$(id -u)" = 0 ] && ulimit -Hn 262144 2>/dev/null;';
  const script = `${raise} ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "${process.execPath}" --conditions=@sealpeer/source --import tsx ${entry} ${quoted}`;
  const child = spawn('sh', ['-c', script], { cwd: root, stdio: 'inherit' });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
}
