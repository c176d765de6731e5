// The fuzz section of `npm run harden` (issue 18, item 2): every property of the fuzz runner
// (test-support/fuzz.ts) at --fuzz-runs cases (10^6 by default), in worker processes — one vitest
// process per chunk of a property's cases, --fuzz-workers of them at once (default: one per core), each
// chunk with its own seed. A first pass at CALIBRATION_RUNS cases finds the properties (every fuzz() call
// in the test files that import the runner) and their cost; the chunks then run cheapest property first,
// so with --fuzz-minutes M (stop starting chunks after M minutes) the fast parsers finish at 10^6 and the
// table says, for the rest, how far they got and how long the remainder would take at the measured rate.
// A failing chunk's seed and path are merged into test-support/fuzz-regressions.json.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { addRegression, REGRESSIONS_FILE, type Regression } from '../../test-support/fuzz-regressions.ts';
import { projectRoot } from '../../test-support/vectors.ts';

/** Cases per property in the calibration pass (enough for a rate, cheap for the HTTP properties). */
const CALIBRATION_RUNS = 300;
/**
 * A chunk aims at about this many seconds: long enough to amortize a vitest start, and under vitest's
 * 60 s RPC timeout, which a synchronous property holding its worker longer trips (an "unhandled" error
 * after the property passed).
 */
const CHUNK_SECONDS = 40;

export interface FuzzOptions {
  runs: number;
  workers: number;
  /** Stop starting chunks after this many minutes (Infinity: run everything). */
  minutes: number;
  /** Only properties whose name starts with one of these (empty: all). */
  only: string[];
}

export interface FuzzProperty {
  name: string;
  file: string;
  test: string;
  target: number;
  runs: number;
  seconds: number;
  /** Cases per second (both phases; per worker process). */
  rate: number;
  failed: boolean;
  /** Seconds one worker would need for the cases not run. */
  remainingSeconds: number;
}

interface Report {
  name: string;
  seed: number;
  file: string;
  test: string;
  runs: number;
  ms: number;
}

/** Test files that import the fuzz runner. */
function fuzzFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.test.ts') && readFileSync(p, 'utf8').includes('test-support/fuzz.ts'))
        found.push(p);
    }
  };
  for (const pkg of readdirSync(join(projectRoot, 'packages'))) {
    const t = join(projectRoot, 'packages', pkg, 'test');
    if (existsSync(t)) walk(t);
  }
  return found.map((p) => relative(projectRoot, p)).sort();
}

function readLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One vitest process; resolves with its exit code. */
function vitest(files: string[], env: Record<string, string>, testName?: string): Promise<number> {
  const args = [join(projectRoot, 'node_modules/vitest/vitest.mjs'), 'run', ...files, '--testTimeout=0'];
  args.push('--reporter=dot');
  if (testName) args.push('-t', `${escapeRegExp(testName)}$`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: projectRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

export async function fuzzAll(opts: FuzzOptions): Promise<FuzzProperty[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sealpeer-harden-fuzz-'));
  const reports = join(dir, 'reports.jsonl');
  const failures = join(dir, 'failures.jsonl');
  try {
    const t0 = Date.now();
    const env = { SEALPEER_FUZZ_REPORT: reports, SEALPEER_FUZZ_FAILURES: failures };
    const calibrated = await vitest(fuzzFiles(), { ...env, SEALPEER_FUZZ_RUNS: String(CALIBRATION_RUNS) });
    const calib = readLines<Report>(reports).filter(
      (r) => opts.only.length === 0 || opts.only.some((o) => r.name.startsWith(o)),
    );
    console.log(`fuzz: ${calib.length} properties found in ${Math.round((Date.now() - t0) / 1000)} s`);
    const props = new Map<string, FuzzProperty>();
    for (const r of calib) {
      const rate = r.runs / Math.max(r.ms / 1000, 0.001);
      props.set(r.name, {
        name: r.name,
        file: r.file,
        test: r.test,
        target: opts.runs,
        runs: r.runs,
        seconds: r.ms / 1000,
        rate,
        failed: false,
        remainingSeconds: 0,
      });
    }
    // A property that failed already here has no report: it is in the failures, or (another failing
    // test in those files) the run's exit code says so.
    const failedEarly = readLines<{ name: string }>(failures).map((f) => f.name);
    if (calibrated !== 0 && failedEarly.length === 0) failedEarly.push('(calibration run: a test failed)');
    for (const name of failedEarly) {
      const p = { name, file: '', test: '', target: opts.runs, runs: 0, seconds: 0, rate: 0 };
      props.set(name, { ...p, failed: true, remainingSeconds: 0 });
    }
    // Chunks, cheapest property first; each aims at CHUNK_SECONDS at the calibrated rate.
    const jobs: Array<{ p: FuzzProperty; runs: number }> = [];
    for (const p of [...props.values()]
      .filter((x) => !x.failed)
      .sort((a, b) => a.target / a.rate - b.target / b.rate)) {
      let left = p.target - p.runs;
      const per = Math.max(1000, Math.round(p.rate * CHUNK_SECONDS));
      while (left > 0) {
        const runs = Math.min(per, left);
        jobs.push({ p, runs });
        left -= runs;
      }
    }
    const deadline = t0 + opts.minutes * 60_000;
    let next = 0;
    const worker = async () => {
      while (next < jobs.length && Date.now() < deadline) {
        const { p, runs } = jobs[next++]!;
        if (p.failed) continue;
        const seed = Math.floor(Math.random() * 2 ** 31);
        const code = await vitest(
          [p.file],
          {
            ...env,
            SEALPEER_FUZZ_RUNS: String(runs),
            SEALPEER_FUZZ_ONLY: p.name,
            SEALPEER_FUZZ_SEED: String(seed),
          },
          p.test,
        );
        const done = readLines<Report>(reports).filter((r) => r.name === p.name && r.seed === seed);
        for (const r of done) {
          p.runs += r.runs;
          p.seconds += r.ms / 1000;
        }
        // A chunk passed when its property reported its cases (fuzz() reports only after fc.check
        // passed). vitest's exit code alone is not the verdict: a synchronous property that holds the
        // worker for over a minute makes vitest report an "unhandled" RPC timeout after it finished.
        const ran = done.reduce((n, r) => n + r.runs, 0);
        if (ran < runs) p.failed = true;
        else if (code !== 0) console.log(`fuzz ${p.name}: vitest exited ${code} after the property passed`);
        console.log(
          `fuzz ${p.name}: ${p.runs}/${p.target} cases, ${Math.round(p.runs / p.seconds)}/s${p.failed ? ' FAILED' : ''}`,
        );
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.workers) }, worker));
    for (const f of readLines<Regression & { name: string }>(failures)) {
      const { name, ...r } = f;
      addRegression(REGRESSIONS_FILE, name, r);
    }
    for (const p of props.values()) {
      if (p.runs === 0) continue;
      p.rate = p.runs / Math.max(p.seconds, 0.001);
      p.remainingSeconds = Math.max(0, p.target - p.runs) / p.rate;
    }
    return [...props.values()];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** --fuzz-runs N, --fuzz-workers N, --fuzz-minutes M, --fuzz-only a,b from argv. */
export function fuzzOptions(argv: string[], quick: boolean): FuzzOptions {
  const arg = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
  };
  const num = (flag: string, fallback: number) => {
    const v = arg(flag);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!(n > 0)) throw new Error(`${flag} must be a positive number, got "${v}"`);
    return n;
  };
  return {
    runs: Math.round(num('--fuzz-runs', quick ? 10_000 : 1_000_000)),
    workers: Math.round(num('--fuzz-workers', cpus().length)),
    minutes: num('--fuzz-minutes', Number.POSITIVE_INFINITY),
    only: (arg('--fuzz-only') ?? '').split(',').filter(Boolean),
  };
}
