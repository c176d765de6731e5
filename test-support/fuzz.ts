// Fuzzing every parser of untrusted bytes (issue 18, item 2): one runner for the property tests of all
// packages. `npm test` runs FUZZ_RUNS (10^4) cases per parser (fewer where a case costs a signature
// check or a round trip: the call says why). Environment, set by `npm run harden` (bench/harden/fuzz.ts,
// which runs one property per vitest process, two processes at once):
//   SEALPEER_FUZZ_RUNS=N       cases per property (10^6 there)
//   SEALPEER_FUZZ_ONLY=NAME    run random cases of that property only (the others replay their seeds)
//   SEALPEER_FUZZ_SEED=N       fast-check seed (each chunk of a property's cases gets its own)
//   SEALPEER_FUZZ_REPORT=FILE  append {name,test,file,runs,ms,seed} per property run (JSON lines)
//   SEALPEER_FUZZ_FAILURES=FILE  append a failure's {name,seed,path,...} (JSON lines; harden merges
//                              them into fuzz-regressions.json)
//   SEALPEER_FUZZ_RECORD=1     write a failure's seed and path straight into fuzz-regressions.json
// Every recorded case in fuzz-regressions.json is replayed first, on every run.
import { appendFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import { addRegression, REGRESSIONS_FILE, type Regression, regressions } from './fuzz-regressions.ts';

export { REGRESSIONS_FILE };

/** Cases per parser: SEALPEER_FUZZ_RUNS, else `fallback` (10^4, or less for a parser that says why). */
export function fuzzRuns(fallback = 10_000): number {
  const env = Number(process.env.SEALPEER_FUZZ_RUNS);
  return Number.isInteger(env) && env > 0 ? env : fallback;
}

function fail<T>(name: string, d: fc.RunDetails<T>): never {
  if (d.counterexamplePath !== null) {
    const r: Regression = {
      seed: d.seed,
      path: d.counterexamplePath,
      counterexample: fc.stringify(d.counterexample).slice(0, 2000),
      found: new Date().toISOString(),
    };
    const out = process.env.SEALPEER_FUZZ_FAILURES;
    if (out) appendFileSync(out, `${JSON.stringify({ name, ...r })}\n`);
    if (process.env.SEALPEER_FUZZ_RECORD === '1') addRegression(REGRESSIONS_FILE, name, r);
  }
  throw new Error(`fuzz ${name}: ${fc.defaultReportMessage(d) ?? 'failed'}`);
}

/** Random cases to run for `name`: none when SEALPEER_FUZZ_ONLY names another property. */
function randomRuns(name: string, runs: number): number {
  const only = process.env.SEALPEER_FUZZ_ONLY;
  return only && only !== name ? 0 : runs;
}

function seed(): { seed?: number } {
  const s = Number(process.env.SEALPEER_FUZZ_SEED);
  return Number.isInteger(s) && process.env.SEALPEER_FUZZ_SEED ? { seed: s } : {};
}

function report(name: string, runs: number, ms: number, s: number): void {
  const out = process.env.SEALPEER_FUZZ_REPORT;
  if (!out) return;
  const state = expect.getState();
  const file = state.testPath ? relative(join(dirname(REGRESSIONS_FILE), '..'), state.testPath) : '';
  const test = state.currentTestName?.split(' > ').at(-1) ?? '';
  appendFileSync(out, `${JSON.stringify({ name, file, test, runs, ms: Math.round(ms), seed: s })}\n`);
}

/** Replays `name`'s recorded failures, then runs `runs` random cases; returns the number of cases run. */
export function fuzz<T>(name: string, prop: fc.IProperty<T>, runs = fuzzRuns()): number {
  for (const r of regressions(name)) fc.assert(prop, { seed: r.seed, path: r.path, endOnFailure: true });
  const n = randomRuns(name, runs);
  if (n === 0) return 0;
  const t = performance.now();
  const d = fc.check(prop, { numRuns: n, ...seed() });
  if (d.failed) fail(name, d);
  report(name, d.numRuns, performance.now() - t, d.seed);
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
  const n = randomRuns(name, runs);
  if (n === 0) return 0;
  const t = performance.now();
  const d = await fc.check(prop, { numRuns: n, ...seed() });
  if (d.failed) fail(name, d);
  report(name, d.numRuns, performance.now() - t, d.seed);
  return d.numRuns;
}
