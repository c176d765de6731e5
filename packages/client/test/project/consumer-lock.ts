// The package-lock.json of an empty project that depends on the packed tarballs of @sealpeer/client,
// server and keyshare: the tarballs themselves plus every package they need at run time, each entry
// copied from the repository's package-lock.json (same versions, same integrity, same placement). With a
// complete lockfile `npm ci --offline` installs from the npm cache alone: no registry, hermetic.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Entry = Record<string, unknown> & {
  version?: string;
  link?: boolean;
  resolved?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};

/** One packed workspace package: its name, its directory in the repository and its tarball. */
export interface Packed {
  name: string;
  dir: string;
  /** The tarball's path relative to the consumer project, e.g. "../tgz/sealpeer-client-0.1.0.tgz". */
  file: string;
  integrity: string;
}

/** Where `name` resolves from the package at lock path `from` (Node's walk up the node_modules folders). */
function resolveIn(packages: Record<string, Entry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (base === '') return undefined;
    const i = base.lastIndexOf('/node_modules/');
    base = i >= 0 ? base.slice(0, i) : '';
  }
}

export function consumerLock(
  rootDir: string,
  packed: readonly Packed[],
): { manifest: Record<string, unknown>; lock: Record<string, unknown> } {
  const rootLock = JSON.parse(readFileSync(join(rootDir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, Entry>;
  };
  const all = rootLock.packages;
  const byName = new Map(packed.map((p) => [p.name, p]));
  const out: Record<string, Entry> = {};
  const rootDeps = Object.fromEntries(packed.map((p) => [p.name, `file:${p.file}`]));
  out[''] = { name: 'sealpeer-pack-check', dependencies: rootDeps };

  // Lock paths in the repository whose dependencies are still to be followed.
  const queue: string[] = [];
  for (const p of packed) {
    const lockPath = `node_modules/${p.name}`;
    const wsPath = p.dir;
    if (!all[wsPath]) throw new Error(`no ${wsPath} in package-lock.json`);
    const manifest = JSON.parse(readFileSync(join(rootDir, p.dir, 'package.json'), 'utf8')) as Entry;
    out[lockPath] = {
      version: manifest.version,
      resolved: `file:${p.file}`,
      integrity: p.integrity,
      license: manifest.license,
      dependencies: manifest.dependencies,
      bin: manifest.bin,
      engines: manifest.engines,
    };
    queue.push(wsPath);
  }
  const seen = new Set<string>();
  while (queue.length > 0) {
    const from = queue.shift()!;
    if (seen.has(from)) continue;
    seen.add(from);
    const e = all[from]!;
    const optionalPeers = new Set(
      Object.entries(e.peerDependenciesMeta ?? {})
        .filter(([, m]) => m.optional)
        .map(([n]) => n),
    );
    const names = [
      ...Object.keys(e.dependencies ?? {}),
      ...Object.keys(e.optionalDependencies ?? {}),
      ...Object.keys(e.peerDependencies ?? {}).filter((n) => !optionalPeers.has(n)),
    ];
    for (const name of names) {
      if (byName.has(name)) continue; // another tarball, installed at the top
      const found = resolveIn(all, from, name);
      if (!found) {
        if (e.optionalDependencies?.[name]) continue;
        throw new Error(`${from} needs ${name}, which package-lock.json does not hold`);
      }
      if (all[found]!.link) throw new Error(`${from} needs workspace package ${name}, which was not packed`);
      // A workspace package's own nested dependencies move under its folder in the consumer project.
      const ws = packed.find((p) => found.startsWith(`${p.dir}/`));
      const target = ws ? `node_modules/${ws.name}/${found.slice(ws.dir.length + 1)}` : found;
      if (!out[target]) {
        const { dev: _dev, devOptional: _devOptional, peer: _peer, ...copy } = all[found]!;
        out[target] = copy;
      }
      queue.push(found);
    }
  }
  // The repository's overrides (dependency versions that run on Node 20) must hold here too, or npm
  // would want the versions they replace.
  const { overrides } = JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8')) as {
    overrides?: unknown;
  };
  return {
    manifest: {
      name: 'sealpeer-pack-check',
      private: true,
      type: 'module',
      dependencies: rootDeps,
      overrides,
    },
    lock: { name: 'sealpeer-pack-check', lockfileVersion: 3, requires: true, packages: out },
  };
}
