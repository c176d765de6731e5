// Builds the app from a private copy of its sources: <dir>/packages/{app,client} plus a node_modules of
// links to the project's installed dependencies (and @sealpeer/client pointing at the copy). Used by the
// reproducibility test (two copies in different places) and the pinning tests (a build with a test key).
import { cpSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../../../../test-support/vectors.ts';

const SKIP = new Set(['node_modules', 'dist', 'test', '.vite']);

function copyPackage(name: string, dest: string): void {
  const from = join(projectRoot, 'packages', name);
  cpSync(from, join(dest, 'packages', name), {
    recursive: true,
    filter: (src) => !SKIP.has(src.slice(from.length + 1).split('/')[0] ?? ''),
  });
}

/** Copies the app and client sources to `dest` and links dependencies; returns the app root. */
export function copyAppSources(dest: string): string {
  copyPackage('app', dest);
  copyPackage('client', dest);
  const nm = join(dest, 'node_modules');
  mkdirSync(join(nm, '@sealpeer'), { recursive: true });
  for (const name of readdirSync(join(projectRoot, 'node_modules'))) {
    if (name === '@sealpeer' || name === '.bin') continue;
    symlinkSync(join(projectRoot, 'node_modules', name), join(nm, name));
  }
  symlinkSync(join(dest, 'packages', 'client'), join(nm, '@sealpeer', 'client'));
  return join(dest, 'packages', 'app');
}

/**
 * Runs `vite build` on the app root `appDir` in a child process (its own environment, so the release key
 * variable does not leak into this process). Returns the output directory.
 */
export async function buildApp(appDir: string, env: Record<string, string> = {}): Promise<string> {
  const { spawn } = await import('node:child_process');
  const vite = join(projectRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  const outDir = join(appDir, 'dist');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [vite, 'build', '--logLevel', 'warn', '--config', join(appDir, 'vite.config.ts')],
      {
        cwd: appDir,
        env: { ...process.env, SEALPEER_RELEASE_KEY: '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let log = '';
    child.stdout.on('data', (d: Buffer) => {
      log += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      log += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build failed (${code}):\n${log}`)),
    );
  });
  return outDir;
}

/** Every file below `dir`, as sorted '/'-separated relative paths. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(d, e.name), r);
      else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}
