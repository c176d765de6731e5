// Open-loop sweep (issue #17, Speed): the highest offered rate with p99 < 5 ms for the sealpeer relay
// (every check on), a bare `ws` forwarder and the PeerJS server, in the same run. Messages arrive on
// their own schedule (round robin over 200 logged-in clients, paced every 1 ms), the way users send
// them, so nothing can be batched by the closed loop's back-pressure. The servers are pinned with
// `taskset` to core 1, the load generators to core 0, and the relays take turns at each rate
// (interleaved), so that outside load drifting during the run hits all three alike.
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Child } from '../lib/child.ts';
import type { GcWindow } from '../lib/gc-window.ts';
import { pin } from '../lib/proc.ts';
import { summariseProfile } from '../lib/profile.ts';
import { type Ctx, type Row, skipReason } from '../lib/section.ts';
import { lineChart, writeChart } from '../lib/svg.ts';
import type { TargetKind } from '../relay/clients.ts';
import type { RunResult } from '../relay/loadgen.ts';
import { provisionClients, type Started } from '../relay/provision.ts';
import { profileDir } from './relay.ts';

const here = new URL('.', import.meta.url);
const HOST = new URL('../hosts/relay-host.ts', here);
const LOADGEN = new URL('../relay/loadgen.ts', here);
const PAIRS = 100;
const P99_TARGET_MS = 5;
const FULL_RATES = [
  1000, 2500, 5000, 7500, 10_000, 12_500, 15_000, 17_500, 20_000, 25_000, 30_000, 35_000, 40_000, 50_000,
];
const QUICK_RATES = [2500, 5000, 10_000];

type CpuWindow = { cpu: number; cpuUs: number; seconds: number; gc: GcWindow; heapBytes?: number };
export interface SweepPoint {
  rate: number;
  got: number;
  p50: number;
  p99: number;
  p999: number;
  serverCpu: number;
  serverUsPerMsg: number;
  loadgenCpu: number;
  load: number;
  /** The relay's GC over the step (relay-host.ts cpuWindow). */
  gc: GcWindow;
  /** The load generator's GC over the step: its pauses are in the latencies too. */
  loadgenGc: GcWindow;
  /** V8 heap the relay allocated per relayed message (sampling profiler; --profile only). */
  heapPerMsg?: number;
}

interface Target {
  kind: TargetKind;
  host: Child;
  gen: Child;
  points: SweepPoint[];
  saturated: boolean;
}

async function openTarget(kind: TargetKind, pinned: boolean): Promise<Target> {
  const host = Child.start(HOST);
  const gen = Child.start(LOADGEN);
  if (pinned) {
    await pin(host.proc.pid!, '1');
    await pin(gen.proc.pid!, '0');
  }
  const started = await host.call<Started>('start', { kind });
  const clients = await provisionClients(kind, started, PAIRS * 2);
  const partners = clients.map((_, i) => (i % 2 === 0 ? i + 1 : i - 1));
  await gen.call('open', { kind, clients, partners, payloadBytes: 1024 });
  // A short closed-loop warm-up so that every relay's code is optimised before the first rate.
  // SEALPEER_BENCH_BURST_MS=10000 makes it a saturating burst (docs/performance.md: its after-effects).
  await gen.call<RunResult>('run', {
    warmupMs: 1000,
    durationMs: Number(process.env.SEALPEER_BENCH_BURST_MS ?? 500),
    inflight: 8,
  });
  return { kind, host, gen, points: [], saturated: false };
}

async function step(
  t: Target,
  rate: number,
  ms: number,
  heap: boolean,
  note: (m: string) => void,
): Promise<SweepPoint> {
  const [run, win] = await Promise.all([
    t.gen.call<RunResult>('run', { warmupMs: 500, durationMs: ms, rate }),
    t.host.call<CpuWindow>('cpuWindow', { delayMs: 500, durationMs: ms, heap }),
  ]);
  const relayed = Math.max(1, run.perSecond * win.seconds);
  const { loadavg } = await import('node:os');
  // No message back in the window (NaN arrives as null over IPC): as bad as a latency can be.
  const ms_ = (v: number | null): number => (typeof v === 'number' && Number.isFinite(v) ? v : Infinity);
  if (run.closedUnexpectedly || run.refused)
    note(
      `${t.kind} @${rate}/s: ${run.closedUnexpectedly} closed (${run.lastCloseReason}), ${run.refused} refused (${run.lastError.slice(0, 120)})`,
    );
  return {
    rate,
    got: run.perSecond,
    p50: ms_(run.latencyMs.p50),
    p99: ms_(run.latencyMs.p99),
    p999: ms_(run.latencyMs.p999),
    serverCpu: win.cpu,
    serverUsPerMsg: win.cpuUs / relayed,
    loadgenCpu: run.loadgenCpu,
    load: loadavg()[0] ?? 0,
    gc: win.gc,
    loadgenGc: run.loadgenGc,
    ...(win.heapBytes !== undefined ? { heapPerMsg: win.heapBytes / relayed } : {}),
  };
}

/** The last rate before the first one at or over the target (a later lucky point does not count). */
export function highestUnder(points: SweepPoint[], target = P99_TARGET_MS): number {
  const firstMiss = points.findIndex((p) => p.p99 >= target);
  return (firstMiss === -1 ? points.at(-1)?.rate : points[firstMiss - 1]?.rate) ?? 0;
}

async function closeTarget(t: Target): Promise<void> {
  try {
    await t.gen.call('close');
    await t.host.call('stop');
  } finally {
    await t.gen.stop();
    await t.host.stop();
  }
}

export async function openLoopSection(ctx: Ctx) {
  const pinned = cpus().length >= 2;
  const rates = ctx.quick ? QUICK_RATES : FULL_RATES;
  const ms = ctx.quick ? 2000 : 5000;
  const kinds = (['ws', 'peerjs', 'sealpeer'] as const).filter(
    (k) => !ctx.targets || ctx.targets.includes(k),
  );
  const targets: Target[] = [];
  const rows: Row[] = [];
  for (const kind of kinds) {
    try {
      targets.push(await openTarget(kind, pinned));
    } catch (e) {
      const reason = skipReason(e) ?? `failed: ${(e instanceof Error ? e.message : String(e)).slice(0, 300)}`;
      rows.push({
        metric: `${kind}: highest rate with p99 < ${P99_TARGET_MS} ms`,
        value: `skipped: ${reason}`,
      });
    }
  }
  // --profile: the sealpeer relay's CPU profile over its whole sweep (after start-up and warm-up).
  const profiled = ctx.profile ? targets.find((t) => t.kind === 'sealpeer') : undefined;
  const profilePath = profiled ? join(profileDir(), `open-loop-sealpeer-${Date.now()}.cpuprofile`) : '';
  if (profiled) await profiled.host.call('profileStart');
  try {
    for (const rate of rates) {
      for (const t of targets) {
        if (t.saturated) continue;
        const p = await step(t, rate, ms, ctx.profile, ctx.log);
        t.points.push(p);
        ctx.log(
          `   ${t.kind} @${rate}/s: got ${Math.round(p.got)}/s p50 ${p.p50.toFixed(2)} p99 ${p.p99.toFixed(2)} ms; ` +
            `server cpu ${pct(p.serverCpu)} (${p.serverUsPerMsg.toFixed(1)} us/msg), loadgen ${pct(p.loadgenCpu)}; ` +
            `gc ${p.gc.minor} minor ${p.gc.major} major, longest ${p.gc.maxPauseMs.toFixed(1)} ms` +
            `, loadgen gc ${p.loadgenGc.major} major longest ${p.loadgenGc.maxPauseMs.toFixed(1)} ms` +
            `${p.heapPerMsg !== undefined ? `, heap ${Math.round(p.heapPerMsg)} B/msg` : ''}; load ${p.load.toFixed(1)}`,
        );
        // Saturated: the relay's core is full and the queue only grows at higher rates.
        // Or its clients are gone (PeerJS closes them all under load): nothing more to measure.
        if ((p.p99 > 4 * P99_TARGET_MS && p.serverCpu > 0.95) || p.got === 0) t.saturated = true;
      }
    }
    if (profiled) await profiled.host.call('profileStop', { path: profilePath });
  } finally {
    for (const t of targets) await closeTarget(t);
  }
  const best: Record<string, number> = {};
  for (const t of targets) {
    best[t.kind] = highestUnder(t.points);
    rows.push({
      metric: `${t.kind}: highest rate with p99 < ${P99_TARGET_MS} ms`,
      value: best[t.kind]!,
      unit: 'msg/s',
      note: t.points
        .map(
          (p) =>
            `${p.rate / 1000}k: p99 ${p.p99.toFixed(1)} ms cpu ${pct(p.serverCpu)} ${p.serverUsPerMsg.toFixed(0)} us ` +
            `gc ${p.gc.major} major max ${p.gc.maxPauseMs.toFixed(1)} ms` +
            (p.heapPerMsg !== undefined ? ` heap ${Math.round(p.heapPerMsg)} B` : ''),
        )
        .join('; '),
    });
  }
  if (best.sealpeer !== undefined && best.ws !== undefined) {
    // Nothing under the target at the lowest rate is no evidence either way.
    const met =
      best.ws === 0 && best.sealpeer === 0
        ? 'not measurable here'
        : best.sealpeer >= best.ws
          ? 'met'
          : 'MISSED';
    rows.push({
      metric: 'sealpeer vs ws forwarder, rate at p99 < 5 ms',
      value: best.ws ? best.sealpeer / best.ws : 0,
      unit: 'x',
      note: `target >= 1.0x (sealpeer single process, every check on): ${met}`,
    });
  }
  const loads = targets.flatMap((t) => t.points.map((p) => p.load));
  rows.push({
    metric: 'pinning',
    value: pinned ? 'taskset: servers on cpu 1, load generators on cpu 0' : 'not pinned (fewer than 2 cpus)',
    note: `load avg during the sweep ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`,
  });
  const chart = writeChart(
    'bench-open-loop.svg',
    lineChart({
      title: 'p99 latency against offered load (open loop, 1 KiB, 200 clients)',
      subtitle: `servers pinned to cpu 1, load generators to cpu 0; load avg ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} on 2 cores`,
      xLabel: 'offered messages / s',
      yLabel: 'p99 ms (log)',
      yLog: true,
      hLine: { y: P99_TARGET_MS, label: 'p99 5 ms' },
      series: targets.map((t) => ({
        name: t.kind === 'ws' ? 'bare ws' : t.kind === 'peerjs' ? 'PeerJS' : 'sealpeer',
        points: t.points
          .filter((p) => Number.isFinite(p.p99))
          .map((p) => [p.rate, p.p99] as [number, number]),
      })),
    }),
  );
  rows.push({ metric: 'chart', value: chart });
  let profileSummary: unknown;
  if (profiled) {
    const p = summariseProfile(profilePath, 15);
    rows.push({ metric: 'sealpeer cpu profile (whole sweep)', value: profilePath });
    for (const e of p.packages.slice(0, 8))
      rows.push({ metric: `  package ${e.name}`, value: e.selfPct, unit: '%' });
    for (const e of p.functions)
      rows.push({ metric: `  self ${e.name}`, value: e.selfPct, unit: '%', note: e.where });
    profileSummary = p;
  }
  return {
    rows,
    data: {
      pinned,
      rates,
      ms,
      points: Object.fromEntries(targets.map((t) => [t.kind, t.points])),
      profileSummary,
    },
  };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
