// Browser: time from "open invite" (B navigates to A's invite link) to the WebRTC data channel open on
// both sides, in Debian's Chromium, with the app build whose seal/open are the real ones, timed
// (bench/browser/timed-seal.ts), vs a bench-only build whose envelope seal/open is a no-op
// (bench/browser/noop-seal.ts); both swapped in by a Vite plugin. Median of 10 pairings each,
// alternating builds, fresh browser profiles (identities) for every pairing. Full runs only. The
// timed build also reports the milliseconds both pages spent in seal/open: the direct measure of
// sealing's share, which the difference of two noisy medians cannot resolve below a few percent.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type Ctx, type Row, Skip } from '../lib/section.ts';
import { median } from '../lib/stats.ts';

type Mod = Record<string, unknown>;
const NOOP_SEAL = fileURLToPath(new URL('../browser/noop-seal.ts', import.meta.url));
const TIMED_SEAL = fileURLToPath(new URL('../browser/timed-seal.ts', import.meta.url));
type Variant = 'sealed' | 'noop';
const CHROMIUM = '/usr/bin/chromium';

async function importOrSkip(spec: string, what: string): Promise<Mod> {
  try {
    return (await import(spec)) as Mod;
  } catch (e) {
    throw new Skip(`${what} is missing (${String(e).split('\n')[0]})`);
  }
}

async function buildApp(variant: Variant): Promise<string> {
  const { build } = (await import('vite')) as unknown as { build(c: unknown): Promise<unknown> };
  const paths = await importOrSkip('../../packages/app/src/node/paths.ts', 'the app build paths');
  const { appRoot, appViteConfig } = paths as { appRoot: string; appViteConfig: string };
  const outDir = mkdtempSync(join(tmpdir(), `sealpeer-bench-app-${variant}-`));
  const replacement = variant === 'noop' ? NOOP_SEAL : TIMED_SEAL;
  const sealPath = fileURLToPath(new URL('../../packages/client/src/envelope/seal.ts', import.meta.url));
  let swapped = 0;
  const plugin = {
    name: 'sealpeer-bench-noop-seal',
    enforce: 'pre',
    async resolveId(
      this: { resolve: (s: string, i?: string, o?: unknown) => Promise<{ id: string } | null> },
      source: string,
      importer: string | undefined,
      options: Record<string, unknown>,
    ) {
      // The timed wrapper imports the real module: leave that one import alone.
      if (!importer || importer === TIMED_SEAL || !source.endsWith('seal.ts')) return null;
      const r = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (r?.id !== sealPath) return null;
      swapped++;
      return replacement;
    },
  };
  await build({
    configFile: appViteConfig,
    root: appRoot,
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
    plugins: [plugin],
  });
  if (swapped === 0) throw new Error(`the ${variant} build did not replace envelope/seal.ts (module moved?)`);
  return outDir;
}

interface Flows {
  createChannel(page: unknown, origin: string): Promise<string>;
  dataChannelOpen(page: unknown, timeout?: number): Promise<void>;
  tid(id: string, extra?: string): string;
}

export async function browserSection(ctx: Ctx) {
  if (ctx.quick) throw new Skip('full run only (builds the app twice)');
  if (!existsSync(CHROMIUM)) throw new Skip(`${CHROMIUM} is missing (apt-get install chromium)`);
  const flows = (await importOrSkip(
    '../../packages/app/test/support/flows.ts',
    'the app e2e flows',
  )) as unknown as Flows;
  const chromiumMod = await importOrSkip(
    '../../packages/app/test/support/chromium.ts',
    'the app Chromium launcher',
  );
  const launch = chromiumMod.launchChromium as () => Promise<{
    newContext(o?: unknown): Promise<{ newPage(): Promise<Page>; close(): Promise<void> }>;
    close(): Promise<void>;
  }>;
  const { startServer } = (await import('@sealpeer/server')) as unknown as {
    startServer(o: unknown): Promise<{ url: string; close(): Promise<void> }>;
  };
  const builds = { sealed: await buildApp('sealed'), noop: await buildApp('noop') };
  ctx.log('   built both app variants');
  const runs = 10;
  const times: Record<Variant, number[]> = { sealed: [], noop: [] };
  /** Per sealed pairing: ms both pages spent in seal/open, and how many calls. */
  const sealMs: number[] = [];
  const sealCalls: number[] = [];
  const browser = await launch();
  const servers: { url: string; close(): Promise<void> }[] = [];
  const dirs: string[] = [];
  try {
    const origin: Record<string, string> = {};
    for (const kind of ['sealed', 'noop'] as const) {
      const dataDir = mkdtempSync(join(tmpdir(), 'sealpeer-bench-browser-'));
      dirs.push(dataDir);
      const s = await startServer({
        host: '127.0.0.1',
        port: 0,
        adminPort: -1,
        dataDir,
        appDir: builds[kind],
        logLevel: 'warn',
        logStream: new Writable({ write: (_c, _e, cb) => cb() }),
      });
      servers.push(s);
      origin[kind] = s.url;
    }
    for (let i = 0; i < runs; i++) {
      for (const kind of ['sealed', 'noop'] as const) {
        const ca = await browser.newContext();
        const cb = await browser.newContext();
        try {
          const a = await ca.newPage();
          const b = await cb.newPage();
          await flows.createChannel(a, origin[kind]!);
          await a.locator(flows.tid('show-invite')).click();
          const link = a.locator(flows.tid('invite-link'));
          await link.waitFor();
          const uri = await link.inputValue();
          const t0 = performance.now();
          await b.goto(uri);
          await Promise.all([flows.dataChannelOpen(a, 30_000), flows.dataChannelOpen(b, 30_000)]);
          times[kind].push(performance.now() - t0);
          if (kind === 'sealed') {
            const [ta, tb] = await Promise.all([a.evaluate(READ_TIMING), b.evaluate(READ_TIMING)]);
            if (!ta || !tb) throw new Error('the sealed build recorded no seal/open timing');
            sealMs.push(ta.ms + tb.ms);
            sealCalls.push(ta.calls + tb.calls);
          }
        } finally {
          await ca.close();
          await cb.close();
        }
      }
    }
  } finally {
    await browser.close();
    for (const s of servers) await s.close();
    for (const d of [...dirs, builds.sealed, builds.noop]) rmSync(d, { recursive: true, force: true });
  }
  const sealed = median(times.sealed);
  const noop = median(times.noop);
  const share = (sealed - noop) / sealed;
  // Direct measure: each pairing's seal/open time over that pairing's time-to-channel, median.
  const direct = median(sealMs.map((ms, i) => ms / times.sealed[i]!));
  ctx.log(
    `   sealed ${sealed.toFixed(0)} ms, no-op seal ${noop.toFixed(0)} ms; ` +
      `seal/open in the pages ${median(sealMs).toFixed(2)} ms over ${median(sealCalls)} calls`,
  );
  const rows: Row[] = [
    {
      metric: 'invite -> data channel, sealed',
      value: sealed,
      unit: 'ms',
      note: `median of ${runs}, Chromium`,
    },
    {
      metric: 'invite -> data channel, no-op seal',
      value: noop,
      unit: 'ms',
      note: `median of ${runs}, bench-only build`,
    },
    {
      metric: 'sealed minus no-op, share of time-to-channel',
      value: share * 100,
      unit: '%',
      note: `difference of the two medians; spread of each: ${spread(times.sealed)} / ${spread(times.noop)} ms`,
    },
    {
      metric: 'seal/open time in both pages per pairing',
      value: median(sealMs),
      unit: 'ms',
      note: `median of ${sealMs.length}; ${median(sealCalls)} seal/open calls`,
    },
    {
      metric: 'sealing share of time-to-channel',
      value: direct * 100,
      unit: '%',
      note: `seal/open ms / time-to-channel, median; target < 5%: ${direct < 0.05 ? 'met' : 'MISSED'}`,
    },
  ];
  return { rows, data: { times, sealMs, sealCalls } };
}

/** Runs in the page: the timing the timed seal wrapper kept. */
const READ_TIMING = () =>
  (globalThis as { __sealpeerSealTiming?: { ms: number; calls: number } }).__sealpeerSealTiming ?? null;

/** Interquartile range of a sample, as "q1-q3". */
function spread(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
  return `${q(0.25).toFixed(0)}-${q(0.75).toFixed(0)}`;
}

interface Page {
  evaluate<T>(fn: () => T): Promise<T>;
  goto(url: string): Promise<unknown>;
  locator(sel: string): { click(): Promise<void>; waitFor(): Promise<void>; inputValue(): Promise<string> };
}
