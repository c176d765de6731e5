// Relay throughput and latency: the same load (N logged-in pairs, 1 KiB messages, 8 in flight per
// pair) through the sealpeer relay, a bare `ws` forwarder and the PeerJS server, each server in its
// own process and the load generator in another. Then p99 at half of each relay's measured peak.

import { mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Child } from '../lib/child.ts';
import type { GcWindow } from '../lib/gc-window.ts';
import { summariseProfile } from '../lib/profile.ts';
import { type Ctx, type Row, skipReason } from '../lib/section.ts';
import { median } from '../lib/stats.ts';
import type { TargetKind } from '../relay/clients.ts';
import type { RunResult } from '../relay/loadgen.ts';
import { provisionClients, type Started } from '../relay/provision.ts';

type CpuWindow = { cpu: number; cpuUs: number; seconds: number; gc: GcWindow };

export interface TargetRun {
  kind: TargetKind;
  peak: RunResult;
  half: RunResult;
  /** Server CPU over the peak window, fraction of one core. */
  serverCpu: number;
  /** Server CPU microseconds per relayed message at peak: the figure least skewed by other load. */
  serverUsPerMsg: number;
  halfServerCpu: number;
  /** Open loop at the bare ws forwarder's half-peak rate of the same round (sealpeer only). */
  atBaselineHalf?: { rate: number; run: RunResult; serverCpu: number };
  /** Open-loop sweep (full runs, first round): p99 and server CPU per offered rate. */
  sweep?: { rate: number; p99: number; p50: number; serverCpu: number; gc: GcWindow; loadgenGc: GcWindow }[];
  profile?: string;
}

const here = new URL('.', import.meta.url);
const HOST = new URL('../hosts/relay-host.ts', here);
const LOADGEN = new URL('../relay/loadgen.ts', here);

export function profileDir(): string {
  const dir = join(tmpdir(), 'sealpeer-bench-profiles');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Offered rates of the open-loop sweep (msgs/s). */
const SWEEP_RATES = [5000, 10000, 15000, 20000, 25000, 30000];
/** The latency target the sweep looks for: p99 under this, in ms. */
const P99_TARGET_MS = 5;

async function runTarget(
  kind: TargetKind,
  ctx: Ctx,
  pairs: number,
  profile: boolean,
  baselineHalfRate?: number,
  sweep = false,
): Promise<TargetRun> {
  const dir = profile ? profileDir() : '';
  const before = profile ? new Set(readdirSync(dir)) : new Set<string>();
  const host = Child.start(HOST, { nodeArgs: profile ? ['--cpu-prof', '--cpu-prof-dir', dir] : [] });
  const gen = Child.start(LOADGEN);
  try {
    const experiment = kind === 'sealpeer' ? ctx.experiment : undefined;
    const started = await host.call<Started>('start', { kind, ...(experiment ? { experiment } : {}) });
    const clients = await provisionClients(kind, started, pairs * 2);
    const partners = clients.map((_, i) => (i % 2 === 0 ? i + 1 : i - 1));
    await gen.call('open', { kind, clients, partners, payloadBytes: 1024 });
    const warmupMs = ctx.quick ? 1000 : 2000;
    const durationMs = ctx.quick ? 3000 : 8000;
    // The server measures its own CPU over the same window as the generator's recording.
    const [peak, win] = await Promise.all([
      gen.call<RunResult>('run', { warmupMs, durationMs, inflight: 8 }),
      host.call<CpuWindow>('cpuWindow', { delayMs: warmupMs, durationMs }),
    ]);
    const serverCpu = win.cpu;
    const serverUsPerMsg = win.cpuUs / (peak.perSecond * win.seconds);
    const halfMs = ctx.quick ? 2000 : 5000;
    const openLoop = (rate: number) =>
      Promise.all([
        gen.call<RunResult>('run', {
          warmupMs: 500,
          durationMs: halfMs,
          rate: Math.max(100, Math.round(rate)),
        }),
        host.call<CpuWindow>('cpuWindow', { delayMs: 500, durationMs: halfMs }),
      ]);
    const [half, halfWin] = await openLoop(peak.perSecond / 2);
    let atBaselineHalf: TargetRun['atBaselineHalf'];
    if (baselineHalfRate !== undefined) {
      const [run, w] = await openLoop(baselineHalfRate);
      atBaselineHalf = { rate: baselineHalfRate, run, serverCpu: w.cpu };
    }
    const sweepPoints: NonNullable<TargetRun['sweep']> = [];
    for (const rate of sweep ? SWEEP_RATES : []) {
      const [run, w] = await openLoop(rate);
      sweepPoints.push({
        rate,
        p99: run.latencyMs.p99,
        p50: run.latencyMs.p50,
        serverCpu: w.cpu,
        gc: w.gc,
        loadgenGc: run.loadgenGc,
      });
      if (run.latencyMs.p99 > 4 * P99_TARGET_MS && w.cpu > 0.95) break; // saturated: higher rates only queue
    }
    await gen.call('close');
    await host.call('stop');
    await host.stop();
    const run: TargetRun = {
      kind,
      peak,
      half,
      serverCpu,
      serverUsPerMsg,
      halfServerCpu: halfWin.cpu,
      ...(atBaselineHalf ? { atBaselineHalf } : {}),
      ...(sweepPoints.length ? { sweep: sweepPoints } : {}),
    };
    if (profile) {
      // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (tsx's loader
      // runs in a worker with its own profile).
      const fresh = readdirSync(dir).filter((f) => !before.has(f) && /\.0\.\d+\.cpuprofile$/.test(f));
      if (fresh[0]) run.profile = join(dir, fresh[0]);
    }
    ctx.log(
      `   ${kind}: ${Math.round(peak.perSecond)} msg/s p50 ${peak.latencyMs.p50.toFixed(2)} ms p99 ` +
        `${peak.latencyMs.p99.toFixed(2)} ms; half-load p99 ${half.latencyMs.p99.toFixed(2)} ms; ` +
        `server cpu ${(serverCpu * 100).toFixed(0)}% (${serverUsPerMsg.toFixed(1)} us/msg) ` +
        `loadgen cpu ${(peak.loadgenCpu * 100).toFixed(0)}%` +
        (peak.closedUnexpectedly ? ` closed=${peak.closedUnexpectedly} (${peak.lastCloseReason})` : '') +
        (peak.refused ? ` refused=${peak.refused} (${peak.lastError})` : ''),
    );
    return run;
  } finally {
    await gen.stop();
    await host.stop();
  }
}

/** Median run (by messages/s) of several rounds. */
function pickMedian(runs: TargetRun[]): TargetRun {
  const m = median(runs.map((r) => r.peak.perSecond));
  return runs.reduce((a, b) => (Math.abs(b.peak.perSecond - m) < Math.abs(a.peak.perSecond - m) ? b : a));
}

export async function relaySection(ctx: Ctx) {
  const pairs = 100;
  const rounds = ctx.quick ? 1 : 3;
  const kinds = (['ws', 'peerjs', 'sealpeer'] as const).filter(
    (k) => !ctx.targets || ctx.targets.includes(k),
  );
  const runs = new Map<TargetKind, TargetRun[]>();
  const skipped = new Map<TargetKind, string>();
  for (let r = 0; r < rounds; r++) {
    for (const kind of kinds) {
      if (skipped.has(kind)) continue;
      try {
        const profile = ctx.profile && kind === 'sealpeer' && r === 0;
        // sealpeer also runs at the ws forwarder's half-peak rate of this round: the same offered load.
        const wsRound = kind === 'sealpeer' ? runs.get('ws')?.[r] : undefined;
        const run = await runTarget(
          kind,
          ctx,
          pairs,
          profile,
          wsRound && wsRound.peak.perSecond / 2,
          !ctx.quick && r === 0,
        );
        runs.set(kind, [...(runs.get(kind) ?? []), run]);
      } catch (e) {
        const reason =
          skipReason(e) ?? `failed: ${(e instanceof Error ? e.message : String(e)).slice(0, 300)}`;
        ctx.log(`   ${kind}: ${reason}`);
        skipped.set(kind, reason);
      }
    }
  }
  /** Median server CPU per message over all rounds of a relay (independent of the throughput median). */
  const usPerMsg = (k: TargetKind): number => median((runs.get(k) ?? []).map((r) => r.serverUsPerMsg));
  const rows: Row[] = [];
  const chosen = new Map<TargetKind, TargetRun>();
  for (const kind of kinds) {
    const list = runs.get(kind);
    if (!list?.length) {
      rows.push({ metric: `${kind}: msgs/s`, value: `skipped: ${skipped.get(kind) ?? 'no run'}` });
      continue;
    }
    const t = pickMedian(list);
    chosen.set(kind, t);
    const note = `${pairs} pairs, 1 KiB, 8 in flight; median of ${list.length}`;
    rows.push({ metric: `${kind}: msgs/s`, value: t.peak.perSecond, unit: 'msg/s', note });
    rows.push({ metric: `${kind}: p50 / p99 / p999`, value: fmt3(t.peak.latencyMs), unit: 'ms' });
    rows.push({
      metric: `${kind}: p99 at half peak`,
      value: t.half.latencyMs.p99,
      unit: 'ms',
      note:
        `${Math.round(t.half.perSecond)} msg/s open loop; p50 ${t.half.latencyMs.p50.toFixed(2)}; ` +
        `server cpu ${pct(t.halfServerCpu)}`,
    });
    rows.push({
      metric: `${kind}: server cpu per message`,
      value: usPerMsg(kind),
      unit: 'us/msg',
      note: `median of ${list.length}; CPU time, less skewed by other load than msgs/s`,
    });
    rows.push({
      metric: `${kind}: cpu server / loadgen`,
      value: `${pct(t.serverCpu)} / ${pct(t.peak.loadgenCpu)}`,
      unit: 'of 1 core',
      note: t.peak.closedUnexpectedly
        ? `${t.peak.closedUnexpectedly} sockets closed: ${t.peak.lastCloseReason}`
        : '',
    });
  }
  const s = chosen.get('sealpeer');
  const list = (k: TargetKind) => runs.get(k) ?? [];
  let profileSummary: unknown;
  const ratios: Record<string, number> = {};
  for (const base of ['ws', 'peerjs'] as const) {
    const b = chosen.get(base);
    if (s && b) {
      const r = s.peak.perSecond / b.peak.perSecond;
      const eff = usPerMsg(base) / usPerMsg('sealpeer');
      ratios[`sealpeer/${base}`] = r;
      ratios[`sealpeer/${base} cpu-normalised`] = eff;
      const target = base === 'ws' ? 1.0 : 1.2;
      rows.push({
        metric: `ratio sealpeer/${base} msgs/s`,
        value: r,
        unit: 'x',
        note: `target >= ${target.toFixed(1)}x: ${r >= target ? 'met' : 'MISSED'}`,
      });
      rows.push({
        metric: `ratio sealpeer/${base} per server-CPU`,
        value: eff,
        unit: 'x',
        note: `${base} us/msg / sealpeer us/msg; target >= ${target.toFixed(1)}x: ${eff >= target ? 'met' : 'MISSED'}`,
      });
    }
  }
  if (s) {
    rows.push({
      metric: 'sealpeer p99 at half peak',
      value: s.half.latencyMs.p99,
      unit: 'ms',
      note: `target < 5 ms: ${s.half.latencyMs.p99 < 5 ? 'met' : 'MISSED'}`,
    });
    for (const kind of kinds) {
      const sw = list(kind).find((r) => r.sweep)?.sweep;
      if (!sw) continue;
      // The last rate before the first one over the target (a later lucky point does not count).
      const firstMiss = sw.findIndex((p) => p.p99 >= P99_TARGET_MS);
      const best = (firstMiss === -1 ? sw.at(-1)?.rate : sw[firstMiss - 1]?.rate) ?? 0;
      rows.push({
        metric: `${kind}: highest swept rate with p99 < ${P99_TARGET_MS} ms`,
        value: best,
        unit: 'msg/s',
        note: sw
          .map(
            (p) =>
              `${p.rate / 1000}k: p99 ${p.p99.toFixed(1)} ms cpu ${pct(p.serverCpu)} ` +
              `gc ${p.gc.minor}+${p.gc.major} max ${p.gc.maxPauseMs.toFixed(1)} ms, ` +
              `loadgen gc ${p.loadgenGc.minor}+${p.loadgenGc.major} max ${p.loadgenGc.maxPauseMs.toFixed(1)} ms`,
          )
          .join('; '),
      });
    }
    const same = s.atBaselineHalf;
    if (same)
      rows.push({
        metric: 'sealpeer p99 at the ws half-peak rate',
        value: same.run.latencyMs.p99,
        unit: 'ms',
        note:
          `${Math.round(same.run.perSecond)} msg/s open loop (the load ws got at its half peak); ` +
          `p50 ${same.run.latencyMs.p50.toFixed(2)}; server cpu ${pct(same.serverCpu)}`,
      });
    if (ctx.experiment)
      rows.push({ metric: 'sealpeer experiment', value: ctx.experiment, note: 'bench-only patch' });
    const prof = list('sealpeer').find((r) => r.profile)?.profile;
    if (prof) {
      const p = summariseProfile(prof, 8);
      rows.push({ metric: 'sealpeer cpu profile', value: prof });
      for (const e of p.functions)
        rows.push({ metric: `  self ${e.name}`, value: e.selfPct, unit: '%', note: e.where });
      profileSummary = p;
    }
  }
  return { rows, data: { pairs, rounds, runs: Object.fromEntries(runs), ratios, profileSummary } };
}

function fmt3(l: { p50: number; p99: number; p999: number }): string {
  return `${l.p50.toFixed(2)} / ${l.p99.toFixed(2)} / ${l.p999.toFixed(2)}`;
}
const pct = (x: number) => `${Math.round(x * 100)}%`;
