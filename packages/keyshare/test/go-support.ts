// Builds the Go programs under test/go/ with Debian's Go toolchain and golang.org/x/mod (package
// golang-golang-x-mod-dev) in GOPATH mode: no module proxy, no network. A machine without them fails
// the test with the install line (scripts/setup-system.sh installs them).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GO_INSTALL =
  'apt-get install -y golang-go golang-golang-x-mod-dev (or run scripts/setup-system.sh as root)';
const GOPATH = '/usr/share/gocode';

function findGo(): string {
  for (const dir of (process.env.PATH ?? '').split(':').concat('/usr/bin', '/usr/lib/go/bin')) {
    if (dir && existsSync(join(dir, 'go'))) return join(dir, 'go');
  }
  throw new Error(`the Go toolchain is not installed: ${GO_INSTALL}`);
}

export const goEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  GO111MODULE: 'off',
  GOPATH,
  GOPROXY: 'off',
  GOFLAGS: '',
  GOCACHE: process.env.GOCACHE ?? join(tmpdir(), 'sealpeer-go-cache'),
});

/** Compiles test/go/<name> and returns the binary's path. */
export function buildGoProgram(name: string): string {
  const go = findGo();
  if (!existsSync(join(GOPATH, 'src', 'golang.org', 'x', 'mod', 'sumdb', 'tlog'))) {
    throw new Error(`golang.org/x/mod is not installed under ${GOPATH}: ${GO_INSTALL}`);
  }
  const out = join(mkdtempSync(join(tmpdir(), 'sealpeer-go-')), name);
  execFileSync(go, ['build', '-o', out, '.'], {
    cwd: join(import.meta.dirname, 'go', name),
    env: goEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out;
}
