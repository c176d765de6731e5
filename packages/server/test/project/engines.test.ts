// `npm ci` on the Node the README names must print no EBADENGINE warning: every package in the lock file
// that npm installs must accept the lowest Node of the root's "engines" (checked with semver, as npm does).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../start/support.ts';

interface Lock {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[]; optional?: boolean }>;
}

describe('engines', () => {
  it('every locked package accepts the lowest Node the project supports (no EBADENGINE on npm ci)', () => {
    const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      engines: { node: string };
    };
    const lowest = semver.minVersion(root.engines.node)!.version;
    expect(lowest).toBe('20.19.0');
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Lock;
    const entries = Object.entries(lock.packages).filter(([k]) => k.startsWith('node_modules/'));
    expect(entries.length).toBeGreaterThan(100);
    const refused = entries
      .filter(([, p]) => p.engines && !Array.isArray(p.engines) && p.engines.node)
      .filter(
        ([, p]) =>
          !semver.satisfies(lowest, (p.engines as { node: string }).node, { includePrerelease: true }),
      )
      .map(([k, p]) => `${k}@${p.version} wants node ${(p.engines as { node: string }).node}`);
    expect(refused).toEqual([]);
  });
});
