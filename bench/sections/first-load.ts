// First load of the browser app: script sizes of a fresh production build (gzip -9, what a compressing
// server sends) and time to interactive in Debian's Chromium. The landing script is what index.html
// loads before the landing screen can render: its module script, modulepreloads and their static
// imports; the rest (engine, crypto, QR) is imported by main.ts at start and downloads in parallel.
// Time to interactive: navigation start to the Home screen's "Create channel" button enabled (fresh
// profile each time, median of 7); time to engine: to "Your device" showing this device's fingerprint
// (the crypto chunks loaded, the identity made).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { type Ctx, type Row, Skip } from '../lib/section.ts';
import { median } from '../lib/stats.ts';

const CHROMIUM = '/usr/bin/chromium';
const LANDING_BUDGET_KB = 150;

const gz = (b: Buffer): number => gzipSync(b, { level: 9 }).length;
const kb = (n: number): number => Math.round(n / 102.4) / 10;

/** Files `entry` (under dist) pulls in before it runs: itself and its static imports, transitively. */
function staticClosure(dist: string, entries: string[]): Set<string> {
  const seen = new Set<string>();
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(join(dist, file), 'utf8');
    const dir = file.slice(0, file.lastIndexOf('/') + 1);
    // `import"./x.js"` and `import{a}from"./x.js"` / `export*from"./x.js"`, not `import("./x.js")`.
    for (const m of code.matchAll(/(?:\bimport|\bfrom)\s*["'](\.\/[^"']+\.js)["']/g))
      walk(`${dir}${m[1]!.slice(2)}`);
  };
  for (const e of entries) walk(e);
  return seen;
}

export async function firstLoadSection(ctx: Ctx) {
  const { build } = (await import('vite')) as unknown as { build(c: unknown): Promise<unknown> };
  const { appRoot, appViteConfig } = (await import('../../packages/app/src/node/paths.ts')) as {
    appRoot: string;
    appViteConfig: string;
  };
  const dist = mkdtempSync(join(tmpdir(), 'sealpeer-bench-firstload-'));
  try {
    await build({ configFile: appViteConfig, root: appRoot, logLevel: 'error', build: { outDir: dist } });
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    const entries = [
      ...html.matchAll(/<script[^>]*type="module"[^>]*src="\/([^"]+)"/g),
      ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="\/([^"]+)"/g),
    ].map((m) => m[1]!);
    if (entries.length === 0) throw new Error('no module script in the built index.html');
    const landing = staticClosure(dist, entries);
    const scripts = readdirSync(join(dist, 'assets'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => {
        const b = readFileSync(join(dist, 'assets', f));
        return { file: `assets/${f}`, raw: b.length, gz: gz(b) };
      })
      .sort((a, b) => b.gz - a.gz);
    const landingGz = scripts.filter((s) => landing.has(s.file)).reduce((n, s) => n + s.gz, 0);
    const totalGz = scripts.reduce((n, s) => n + s.gz, 0);
    const rows: Row[] = [
      {
        metric: 'landing script (gzipped)',
        value: kb(landingGz),
        unit: 'kB',
        note: `${[...landing].join(', ')}; budget ${LANDING_BUDGET_KB} kB: ${kb(landingGz) <= LANDING_BUDGET_KB ? 'met' : 'MISSED'}`,
      },
      {
        metric: 'all app script (gzipped)',
        value: kb(totalGz),
        unit: 'kB',
        note: `${scripts.length} chunks`,
      },
      ...scripts.map((s) => ({
        metric: `  ${s.file.replace(/-[\w-]{8}\.js$/, '.js')}`,
        value: kb(s.gz),
        unit: 'kB',
        note: `${kb(s.raw)} kB minified${landing.has(s.file) ? ', landing' : ', loaded in parallel'}`,
      })),
    ];
    if (!existsSync(CHROMIUM)) {
      ctx.log(`   ${CHROMIUM} is missing: sizes only`);
      return { rows, data: { scripts, landing: [...landing] } };
    }
    const timing = await timeToInteractive(dist, ctx.quick ? 3 : 7);
    rows.push(
      {
        metric: 'time to interactive (Home usable)',
        value: Math.round(median(timing.tti)),
        unit: 'ms',
        note: `median of ${timing.tti.length}, Chromium, loopback, fresh profile`,
      },
      {
        metric: 'time to engine ready (fingerprint shown)',
        value: Math.round(median(timing.engine)),
        unit: 'ms',
        note: `median of ${timing.engine.length}; crypto chunks + identity`,
      },
    );
    return { rows, data: { scripts, landing: [...landing], ...timing } };
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
}

async function timeToInteractive(dist: string, runs: number): Promise<{ tti: number[]; engine: number[] }> {
  const { launchChromium } = (await import('../../packages/app/test/support/chromium.ts')) as {
    launchChromium(): Promise<import('playwright-core').Browser>;
  };
  const { startServer } = (await import('@sealpeer/server')) as unknown as {
    startServer(o: unknown): Promise<{ url: string; close(): Promise<void> }>;
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'sealpeer-bench-firstload-data-'));
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    adminPort: -1,
    dataDir,
    appDir: dist,
    logLevel: 'warn',
    logStream: new Writable({ write: (_c, _e, cb) => cb() }),
  });
  const browser = await launchChromium();
  const tti: number[] = [];
  const engine: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      for (const [target, out, selector] of [
        ['/', tti, '[data-testid="create-channel"]:enabled'],
        ['/#/device', engine, '[data-testid="device-fingerprint"]'],
      ] as const) {
        const context = await browser.newContext();
        try {
          const page = await context.newPage();
          await page.goto(`${server.url}${target}`, { waitUntil: 'commit' });
          await page.locator(selector).first().waitFor({ timeout: 30_000 });
          // From the navigation's start (the page's time origin) to now, in the page's clock.
          out.push(await page.evaluate(() => performance.now()));
        } finally {
          await context.close();
        }
      }
    }
  } finally {
    await browser.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (tti.length === 0) throw new Skip('no timing');
  return { tti, engine };
}
