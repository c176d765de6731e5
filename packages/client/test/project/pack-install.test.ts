// Issue 16 §1: the packages work as npm ships them. `npm pack` of @sealpeer/client, server and keyshare;
// `npm ci --offline` of the three tarballs into an empty folder (a lockfile built from the repository's,
// so the npm cache alone serves it: no registry); then, in that folder, with plain Node and no tsx or
// TypeScript installed: the client imports and works, every bin answers --help, the server and the
// keyshare start, and the installed client verifies the installed keyshare's signed checkpoint.
// TypeScript consumers: the shipped .d.ts typecheck (skipLibCheck off) without Node's types.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../../../scripts/build.mjs';
import { projectRoot } from '../../../../test-support/vectors.ts';
import { consumerLock, type Packed } from './consumer-lock.ts';

const PACKAGES = ['client', 'server', 'keyshare'] as const;
const BINS = { client: ['sealpeer'], server: ['sealpeer-server'], keyshare: ['sealpeer-keyshare'] };

let work: string;
let app: string;
const children: ChildProcess[] = [];
const sizes: Record<string, number> = {};

/** The environment of an npm or node child: no npm_* variables of an enclosing `npm test`. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
}

function run(file: string, args: string[], cwd: string): string {
  return execFileSync(file, args, {
    cwd,
    env: cleanEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Node in the consumer folder: resolves only what `npm ci` installed there. */
function node(code: string): string {
  return run(process.execPath, ['--input-type=module', '-e', code], app);
}

/** Starts an installed bin; resolves with the first JSON log line carrying `url` (its "listening" line). */
function startBin(bin: string, args: string[]): Promise<Record<string, unknown>> {
  const child = spawn(join(app, 'node_modules/.bin', bin), args, { cwd: app, env: cleanEnv() });
  children.push(child);
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('exit', (code) => reject(new Error(`${bin} exited ${code}: ${out}${err}`)));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        const rec = JSON.parse(line) as Record<string, unknown>;
        if (rec.msg === 'listening' || (typeof rec.url === 'string' && 'treeSize' in rec)) resolve(rec);
      }
    });
  });
}

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'sealpeer-pack-'));
  const tgz = join(work, 'tgz');
  app = join(work, 'app');
  mkdirSync(tgz);
  mkdirSync(app);
  // --ignore-scripts: dist/ is fresh (ensureBuilt above); each package's prepack would rebuild it.
  const out = run(
    'npm',
    [
      'pack',
      '--json',
      '--ignore-scripts',
      '--pack-destination',
      tgz,
      ...PACKAGES.flatMap((p) => ['-w', `packages/${p}`]),
    ],
    projectRoot,
  );
  const packs = JSON.parse(out) as Array<{ name: string; filename: string; integrity: string; size: number }>;
  expect(packs.map((p) => p.name).sort()).toEqual([
    '@sealpeer/client',
    '@sealpeer/keyshare',
    '@sealpeer/server',
  ]);
  const packed: Packed[] = packs.map((p) => {
    sizes[p.name] = p.size;
    return {
      name: p.name,
      dir: `packages/${p.name.slice('@sealpeer/'.length)}`,
      file: `../tgz/${p.filename}`,
      integrity: p.integrity,
    };
  });
  const { manifest, lock } = consumerLock(projectRoot, packed);
  writeFileSync(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(app, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  // --ignore-scripts: better-sqlite3's install script would download or compile its addon (no network
  // here); the repository's build of the same version for this Node is copied in below instead.
  run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], app);
  const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
  mkdirSync(join(app, addon, '..'), { recursive: true });
  copyFileSync(join(projectRoot, addon), join(app, addon));
}, 240_000);

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  if (work) rmSync(work, { recursive: true, force: true });
  console.log(`tarball sizes (bytes): ${JSON.stringify(sizes)}`);
});

describe('npm pack + install of client, server, keyshare (issue 16)', () => {
  it('installs the tarballs alone: no tsx or TypeScript, each package ships dist/ with .d.ts and maps', () => {
    expect(existsSync(join(app, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/typescript'))).toBe(false);
    for (const p of PACKAGES) {
      const dir = join(app, 'node_modules/@sealpeer', p);
      for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/index.js.map', 'dist/index.d.ts.map'])
        expect(existsSync(join(dir, f)), `${p}/${f}`).toBe(true);
      expect(existsSync(join(dir, 'dist/tsconfig.build.tsbuildinfo')), `${p} ships its tsbuildinfo`).toBe(
        false,
      );
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
        bin: Record<string, string>;
      };
      expect(pkg.dependencies.tsx).toBeUndefined();
      expect(Object.keys(pkg.bin)).toEqual(BINS[p]);
    }
  });

  it('plain Node imports the client root (no ready() needed) and every subpath; internals are not at the root', () => {
    const out = node(`
      const pkg = JSON.parse((await import('node:fs')).readFileSync('node_modules/@sealpeer/client/package.json', 'utf8'));
      const c = await import('@sealpeer/client');
      const a = c.Identity.generate();
      const b = c.Identity.generate();
      const subpaths = {};
      for (const sub of Object.keys(pkg.exports)) {
        if (sub === '.' || sub === './package.json') continue;
        subpaths[sub] = Object.keys(await import('@sealpeer/client' + sub.slice(1))).length;
      }
      const noise = await import('@sealpeer/client/noise');
      console.log(JSON.stringify({
        root: Object.keys(c).length,
        sn: c.safetyNumber(a.publicIdentity, b.publicIdentity).digits.length,
        internals: ['CipherState', 'chacha20poly1305Encrypt', 'lvCat', 'keyshare', 'envelope', 'ready'].filter((n) => n in c),
        cipherState: typeof noise.CipherState,
        subpaths,
      }));
    `);
    const r = JSON.parse(out) as {
      root: number;
      sn: number;
      internals: string[];
      cipherState: string;
      subpaths: Record<string, number>;
    };
    expect(r.sn).toBe(60);
    expect(r.internals).toEqual([]);
    expect(r.cipherState).toBe('function');
    expect(r.root).toBeGreaterThan(30);
    expect(Object.keys(r.subpaths)).toEqual(
      expect.arrayContaining(['./crypto', './noise', './cpace', './keyshare', './envelope', './release']),
    );
    for (const [sub, n] of Object.entries(r.subpaths)) expect(n, sub).toBeGreaterThan(0);
  });

  it('every bin answers --help with exit 0', () => {
    for (const bin of Object.values(BINS).flat()) {
      const out = run(join(app, 'node_modules/.bin', bin), ['--help'], app);
      expect(out, bin).toMatch(new RegExp(`^Usage: ${bin} `, 'm'));
    }
  });

  it('sealpeer-server and sealpeer-keyshare start from the install; the installed client verifies the checkpoint', async () => {
    const data = join(work, 'data');
    const server = await startBin('sealpeer-server', [
      '--port',
      '0',
      '--admin-port',
      '-1',
      '--data-dir',
      join(data, 's'),
    ]);
    const health = await fetch(`${server.url as string}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
    const ks = await startBin('sealpeer-keyshare', ['--port', '0', '--data-dir', join(data, 'k')]);
    expect(ks.verifierKey).toMatch(/^localhost\/sealpeer-keyshare\+[0-9a-f]{8}\+/);
    const out = node(`
      await import('@sealpeer/client');
      const ks = await import('@sealpeer/client/keyshare');
      const note = await (await fetch(${JSON.stringify(`${ks.url as string}/checkpoint`)})).text();
      const cp = ks.verifyCheckpointNote(note, ks.parseVerifierKey(${JSON.stringify(ks.verifierKey)}));
      console.log(JSON.stringify({ origin: cp.origin, size: cp.size }));
    `);
    expect(JSON.parse(out)).toEqual({ origin: 'localhost/sealpeer-keyshare', size: 0 });
  }, 60_000);

  it('the shipped .d.ts typecheck for a TypeScript consumer (NodeNext, skipLibCheck off, no @types/node)', () => {
    writeFileSync(
      join(app, 'consumer.ts'),
      [
        "import { Identity, type SavedContact, SealpeerClient } from '@sealpeer/client';",
        "import { parseVerifierKey } from '@sealpeer/client/keyshare';",
        "import { CipherState } from '@sealpeer/client/noise';",
        "import { parseManifest } from '@sealpeer/client/release';",
        'const id: Identity = Identity.generate();',
        'const saved: SavedContact[] = [];',
        'export const all = [id, saved, SealpeerClient, parseVerifierKey, CipherState, parseManifest];',
        '',
      ].join('\n'),
    );
    const tsconfig = {
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        lib: ['ES2023', 'DOM'],
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: [],
      },
      files: ['consumer.ts'],
    };
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = join(projectRoot, 'node_modules/typescript/bin/tsc');
    const typecheck = (): string => {
      try {
        run(process.execPath, [tsc, '-p', app], app);
        return '';
      } catch (err) {
        return String((err as { stdout?: string }).stdout);
      }
    };
    expect(typecheck()).toBe('');
    // And the check can fail: a name the root does not export is an error.
    writeFileSync(
      join(app, 'consumer.ts'),
      "import { CipherState } from '@sealpeer/client';\nexport { CipherState };\n",
    );
    expect(typecheck()).toMatch(/has no exported member 'CipherState'/);
  }, 60_000);
});
