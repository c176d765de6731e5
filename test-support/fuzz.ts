// Fuzzing every parser of untrusted bytes (issue 18, item 2): one runner for the property tests of all
// packages. `npm test` runs FUZZ_RUNS (10^4) cases per parser; `npm run harden` sets SEALPEER_FUZZ_RUNS
// to 10^6 and SEALPEER_FUZZ_RECORD=1, which writes the seed and path of any failure to
// fuzz-regressions.json beside this file. Every recorded case is replayed first, on every run.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

export const REGRESSIONS_FILE = join(dirname(fileURLToPath(import.meta.url)), 'fuzz-regressions.json');

interface Regression {
  seed: number;
  path: string;
  counterexample: string;
  found: string;
}

/** Cases per parser: SEALPEER_FUZZ_RUNS, else `fallback` (10^4, or less for a parser that says why). */
export function fuzzRuns(fallback = 10_000): number {
  const env = Number(process.env.SEALPEER_FUZZ_RUNS);
  return Number.isInteger(env) && env > 0 ? Math.max(env, 1) : fallback;
}

function regressions(name: string): Regression[] {
  const all = JSON.parse(readFileSync(REGRESSIONS_FILE, 'utf8')) as Record<string, Regression[]>;
  return all[name] ?? [];
}

function record<T>(name: string, d: fc.RunDetails<T>): void {
  if (process.env.SEALPEER_FUZZ_RECORD !== '1' || d.counterexamplePath === null) return;
  const all = JSON.parse(readFileSync(REGRESSIONS_FILE, 'utf8')) as Record<string, Regression[]>;
  const list = all[name] ?? [];
  list.push({
    seed: d.seed,
    path: d.counterexamplePath,
    counterexample: fc.stringify(d.counterexample).slice(0, 2000),
    found: new Date().toISOString(),
  });
  all[name] = list;
  writeFileSync(REGRESSIONS_FILE, `${JSON.stringify(all, null, 2)}\n`);
}

function fail<T>(name: string, d: fc.RunDetails<T>): never {
  record(name, d);
  throw new Error(`fuzz ${name}: ${fc.defaultReportMessage(d) ?? 'failed'}`);
}

/** Replays `name`'s recorded failures, then runs `runs` random cases; returns the number of cases run. */
export function fuzz<T>(name: string, prop: fc.IProperty<T>, runs = fuzzRuns()): number {
  for (const r of regressions(name)) fc.assert(prop, { seed: r.seed, path: r.path, endOnFailure: true });
  const d = fc.check(prop, { numRuns: runs });
  if (d.failed) fail(name, d);
  return d.numRuns;
}

/** `fuzz` for an async property. */
export async function fuzzAsync<T>(
  name: string,
  prop: fc.IAsyncProperty<T>,
  runs = fuzzRuns(),
): Promise<number> {
  for (const r of regressions(name))
    await fc.assert(prop, { seed: r.seed, path: r.path, endOnFailure: true });
  const d = await fc.check(prop, { numRuns: runs });
  if (d.failed) fail(name, d);
  return d.numRuns;
}
