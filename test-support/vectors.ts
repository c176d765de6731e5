// Loads the independent test vectors from ../shared/vectors (see its README). Every loader throws when a
// file or folder is missing or empty, so a suite can never pass on vectors that failed to load.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const vectorsRoot = join(projectRoot, '..', 'shared', 'vectors');

export function vectorPath(...parts: string[]): string {
  const p = join(vectorsRoot, ...parts);
  if (!existsSync(p))
    throw new Error(`test vectors missing: ${p} (expected ../shared/vectors beside the project)`);
  return p;
}

export function loadVectorJson(...parts: string[]): unknown {
  return JSON.parse(readFileSync(vectorPath(...parts), 'utf8'));
}

/** Every *.json file below a vectors folder, as [relative path, parsed JSON]; throws on none. */
export function loadVectorTree(...parts: string[]): Array<[string, unknown]> {
  const root = vectorPath(...parts);
  const out: Array<[string, unknown]> = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json')) out.push([relative(root, p), JSON.parse(readFileSync(p, 'utf8'))]);
    }
  };
  walk(root);
  if (out.length === 0) throw new Error(`no vector files under ${root}`);
  return out;
}
