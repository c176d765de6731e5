// Server-under-test process: starts one relay (sealpeer, the bare ws forwarder, or the PeerJS server)
// on 127.0.0.1 and answers usage / gc / stop requests from the bench runner. Runs alone in its process so
// that it gets a core of its own while a load generator process drives it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWsForwarder } from '../baselines/ws-forwarder.ts';
import { serve, usage } from '../lib/child.ts';
import { type GcWindow, watchGc } from '../lib/gc-window.ts';
import { applyExperiment } from './experiments.ts';
import { type Prefilled, prefill } from './prefill.ts';
import { sealpeerServerOptions } from './sealpeer-options.ts';

interface Started {
  url: string;
  httpUrl: string;
  adminUrl?: string;
  prefilled?: Prefilled;
}

let closeFn: (() => Promise<void>) | undefined;
let dataDir: string | undefined;

async function startSealpeer(
  extra: Record<string, unknown>,
  fill?: { credentials: number; emptyChannels: number; logins?: boolean },
): Promise<Started> {
  const mod: Record<string, unknown> = await import('@sealpeer/server');
  const startServer = mod.startServer;
  if (typeof startServer !== 'function') throw new Error('skipped: @sealpeer/server has no startServer yet');
  dataDir = mkdtempSync(join(tmpdir(), 'sealpeer-bench-'));
  const prefilled = fill
    ? await prefill(dataDir, fill.credentials, fill.emptyChannels, { logins: fill.logins ?? false })
    : undefined;
  const s = (await startServer(sealpeerServerOptions(dataDir, extra))) as {
    url: string;
    wsUrl?: string;
    adminUrl?: string;
    close(): Promise<void>;
  };
  closeFn = () => s.close();
  const httpUrl = s.url.replace(/\/$/, '');
  return {
    url: s.wsUrl ?? `${httpUrl.replace(/^http/, 'ws')}/ws`,
    httpUrl,
    ...(s.adminUrl ? { adminUrl: s.adminUrl } : {}),
    ...(prefilled ? { prefilled } : {}),
  };
}

async function startPeerjs(): Promise<Started> {
  const { PeerServer } = await import('peer');
  return new Promise((resolve) => {
    const app = PeerServer({ host: '127.0.0.1', port: 0, concurrent_limit: 100_000 }, (server) => {
      const port = (server.address() as AddressInfo).port;
      closeFn = () => new Promise((r) => server.close(() => r()));
      resolve({ url: `ws://127.0.0.1:${port}/peerjs`, httpUrl: `http://127.0.0.1:${port}` });
    });
    void app;
  });
}

async function start(args: unknown): Promise<Started> {
  const { kind, options, experiment, fill } = args as {
    kind: string;
    options?: Record<string, unknown>;
    experiment?: string;
    fill?: { credentials: number; emptyChannels: number; logins?: boolean };
  };
  applyExperiment(experiment);
  if (kind === 'ws') {
    const f = await startWsForwarder();
    closeFn = f.close;
    return { url: f.url, httpUrl: f.url.replace(/^ws/, 'http') };
  }
  if (kind === 'peerjs') return startPeerjs();
  return startSealpeer(options ?? {}, fill);
}

/**
 * CPU use of this process (fraction of one core) over a window starting `delayMs` from now, its GC pauses
 * (PerformanceObserver 'gc': cheap, always on), and with `heap` the V8 heap it allocated (the sampling heap
 * profiler, collected objects included: an estimate, with a small cost, so only under --profile).
 */
async function cpuWindow(
  args: unknown,
): Promise<{ cpu: number; cpuUs: number; seconds: number; gc: GcWindow; heapBytes?: number }> {
  const { delayMs, durationMs, heap } = args as { delayMs: number; durationMs: number; heap?: boolean };
  await new Promise((r) => setTimeout(r, delayMs));
  const gcWatch = watchGc();
  const sampler = heap ? new Session() : undefined;
  if (sampler) {
    sampler.connect();
    await sampler.post('HeapProfiler.startSampling', {
      samplingInterval: 16_384,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, durationMs));
  const c = process.cpuUsage(c0);
  const seconds = (performance.now() - t0) / 1000;
  let heapBytes: number | undefined;
  if (sampler) {
    const { profile } = await sampler.post('HeapProfiler.stopSampling');
    sampler.disconnect();
    type Node = { selfSize: number; children: Node[] };
    const sum = (n: Node): number => n.children.reduce((a, k) => a + sum(k), n.selfSize);
    heapBytes = sum(profile.head as Node);
  }
  const gc = gcWatch.stop();
  const cpuUs = c.user + c.system;
  return {
    cpu: cpuUs / 1e6 / seconds,
    cpuUs,
    seconds,
    gc,
    ...(heapBytes !== undefined ? { heapBytes } : {}),
  };
}

let profiler: Session | undefined;

/** Starts V8's CPU profiler in this process (a window of the run, without start-up). */
async function profileStart(): Promise<boolean> {
  profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.setSamplingInterval', { interval: 100 });
  await profiler.post('Profiler.start');
  return true;
}

/** Stops the profiler and writes the .cpuprofile to `path`. */
async function profileStop(args: unknown): Promise<string> {
  const { path } = args as { path: string };
  if (!profiler) throw new Error('profiler not started');
  const { profile } = await profiler.post('Profiler.stop');
  profiler.disconnect();
  profiler = undefined;
  writeFileSync(path, JSON.stringify(profile));
  return path;
}

serve({
  start,
  profileStart,
  profileStop,
  cpuWindow,
  usage: () => usage(),
  gc: () => {
    const g = (globalThis as { gc?: () => void }).gc;
    if (g) {
      g();
      g();
    }
    return usage();
  },
  stop: async () => {
    await closeFn?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    return true;
  },
});
