// The recorded failures of the fuzz runner (test-support/fuzz.ts): fuzz-regressions.json beside this
// file, {property name: [{seed, path, counterexample, found}]}, replayed first on every run. Apart from
// fuzz.ts (which needs vitest) so that `npm run harden` can merge a run's failures into it.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REGRESSIONS_FILE = join(dirname(fileURLToPath(import.meta.url)), 'fuzz-regressions.json');

export interface Regression {
  seed: number;
  path: string;
  counterexample: string;
  found: string;
}

export function regressions(name: string): Regression[] {
  const all = JSON.parse(readFileSync(REGRESSIONS_FILE, 'utf8')) as Record<string, Regression[]>;
  return all[name] ?? [];
}

/** Adds `r` to the recorded cases of `name` in `file` (a fuzz-regressions.json), unless already there. */
export function addRegression(file: string, name: string, r: Regression): void {
  const all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Regression[]>;
  const list = all[name] ?? [];
  if (list.some((x) => x.seed === r.seed && x.path === r.path)) return;
  list.push(r);
  all[name] = list;
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
}
