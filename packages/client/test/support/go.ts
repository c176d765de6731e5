// Builds and runs a small Go program against Debian's golang.org/x/mod (package golang-golang-x-mod-dev),
// in GOPATH mode with no module proxy. A missing Go toolchain or package is a test failure with the
// install line, never a skip.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GOPATH = '/usr/share/gocode';

/** Compiles the Go `main` package in `dir` and returns a function that runs it with `stdin`. */
export function buildGoProgram(dir: string): (stdin: string) => string {
  if (!existsSync('/usr/bin/go') || !existsSync(join(GOPATH, 'src/golang.org/x/mod/sumdb/note'))) {
    throw new Error(
      'Go or golang.org/x/mod is missing: sudo apt-get install -y golang-go golang-golang-x-mod-dev',
    );
  }
  const out = join(mkdtempSync(join(tmpdir(), 'sealpeer-go-')), 'prog');
  const env = {
    ...process.env,
    GOPATH,
    GO111MODULE: 'off',
    GOPROXY: 'off',
    GOFLAGS: '',
    GOCACHE: join(tmpdir(), 'sealpeer-go-cache'),
  };
  execFileSync('/usr/bin/go', ['build', '-o', out, '.'], { cwd: dir, env, stdio: 'pipe' });
  return (stdin) => execFileSync(out, [], { input: stdin, encoding: 'utf8' });
}
