// Scale-out (issue #17, Speed): messages/s through 1, 2 and 3 relay nodes and one `--workers 2` node on a
// private redis-server bus and a private PostgreSQL store (docs/operators/scale-out.md), the same closed
// loop as the relay section (100 pairs, 1 KiB, 8 in flight), clients spread over the nodes. The share of
// messages that crossed nodes is read from the nodes' own `sealpeer_bus_routed_total{kind="send"}`;
// the CPU of every node (and worker) and of redis-server comes from /proc. The cost of a cross-node hop
// is the difference between 2 nodes with every pair on one node and 2 nodes with every pair split.
import { Child } from '../lib/child.ts';
import { treeCpuUs } from '../lib/proc.ts';
import type { Ctx, Row } from '../lib/section.ts';
import { barChart, writeChart } from '../lib/svg.ts';
import type { RunResult } from '../relay/loadgen.ts';
import { provisionClients } from '../relay/provision.ts';
import { type Backends, routedSends, startBackends, startNodes } from '../scale/cluster.ts';

const LOADGEN = new URL('../relay/loadgen.ts', import.meta.url);
const PAIRS = 100;
/** Open-loop rate for the latency of a hop (well below every configuration's peak). */
const LIGHT_RATE = 2000;

type Placement = 'spread' | 'local' | 'split';
interface Config {
  label: string;
  nodes: number;
  workers?: number;
  bus: boolean;
  placement: Placement;
}

const CONFIGS: Config[] = [
  { label: '1 node, no bus (SQLite)', nodes: 1, bus: false, placement: 'spread' },
  { label: '1 node + bus', nodes: 1, bus: true, placement: 'spread' },
  { label: '2 nodes', nodes: 2, bus: true, placement: 'spread' },
  { label: '3 nodes', nodes: 3, bus: true, placement: 'spread' },
  { label: '--workers 2', nodes: 1, workers: 2, bus: true, placement: 'spread' },
  { label: '2 nodes, pairs local', nodes: 2, bus: true, placement: 'local' },
  { label: '2 nodes, pairs split', nodes: 2, bus: true, placement: 'split' },
];

export interface ScaleRun {
  label: string;
  perSecond: number;
  latencyMs: RunResult['latencyMs'];
  light: RunResult['latencyMs'];
  crossShare: number;
  nodeUsPerMsg: number;
  redisUsPerMsg: number;
  nodeCpu: number;
  redisCpu: number;
  loadgenCpu: number;
  load: number;
}

/** A small deterministic PRNG (mulberry32), so that every run places clients the same way. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Node index of client i (pair k = clients 2k, 2k+1). */
function placeClients(n: number, nodes: number, how: Placement): number[] {
  const r = rng(17);
  return Array.from({ length: n }, (_, i) => {
    const pair = Math.floor(i / 2);
    if (how === 'local') return pair % nodes;
    if (how === 'split') return (pair + (i % 2)) % nodes;
    return Math.floor(r() * nodes);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load1 = async () => (await import('node:os')).loadavg()[0] ?? 0;

async function measure(cfg: Config, ctx: Ctx, backends: Backends): Promise<ScaleRun> {
  const set = await startNodes({
    nodes: cfg.nodes,
    ...(cfg.workers ? { workers: cfg.workers } : {}),
    ...(cfg.bus ? { backends } : {}),
  });
  const gen = Child.start(LOADGEN);
  try {
    const base = await provisionClients('sealpeer', { url: set.wsUrls[0]!, httpUrl: set.httpUrl }, PAIRS * 2);
    const where = placeClients(base.length, set.wsUrls.length, cfg.placement);
    const clients = base.map((c, i) => ({ ...c, url: set.wsUrls[where[i]!]! }));
    const partners = clients.map((_, i) => (i % 2 === 0 ? i + 1 : i - 1));
    await gen.call('open', { kind: 'sealpeer', clients, partners, payloadBytes: 1024 });
    const warmupMs = ctx.quick ? 1000 : 2000;
    const durationMs = ctx.quick ? 3000 : 8000;
    const redisPid = backends.redis.pid ?? 0;
    const cpuNodes = () => set.pids.reduce((s, p) => s + treeCpuUs(p), 0);
    const running = gen.call<RunResult>('run', { warmupMs, durationMs, inflight: 8 });
    await sleep(warmupMs);
    const [n0, r0, x0] = [cpuNodes(), treeCpuUs(redisPid), await routedSends(set.adminPorts)];
    const t0 = performance.now();
    await sleep(durationMs);
    const [n1, r1, x1] = [cpuNodes(), treeCpuUs(redisPid), await routedSends(set.adminPorts)];
    const seconds = (performance.now() - t0) / 1000;
    const peak = await running;
    const light = await gen.call<RunResult>('run', {
      warmupMs: 500,
      durationMs: ctx.quick ? 2000 : 4000,
      rate: LIGHT_RATE,
    });
    await gen.call('close');
    const msgs = peak.perSecond * seconds;
    const run: ScaleRun = {
      label: cfg.label,
      perSecond: peak.perSecond,
      latencyMs: peak.latencyMs,
      light: light.latencyMs,
      crossShare: Math.min(1, (x1 - x0) / msgs),
      nodeUsPerMsg: (n1 - n0) / msgs,
      redisUsPerMsg: cfg.bus ? (r1 - r0) / msgs : 0,
      nodeCpu: (n1 - n0) / 1e6 / seconds,
      redisCpu: cfg.bus ? (r1 - r0) / 1e6 / seconds : 0,
      loadgenCpu: peak.loadgenCpu,
      load: await load1(),
    };
    ctx.log(
      `   ${cfg.label}: ${Math.round(run.perSecond)} msg/s, cross-node ${pct(run.crossShare)}, ` +
        `nodes ${run.nodeUsPerMsg.toFixed(1)} + redis ${run.redisUsPerMsg.toFixed(1)} us/msg, ` +
        `cpu nodes ${pct(run.nodeCpu)} redis ${pct(run.redisCpu)} loadgen ${pct(run.loadgenCpu)}; ` +
        `p50/p99 at ${LIGHT_RATE}/s ${run.light.p50.toFixed(2)}/${run.light.p99.toFixed(2)} ms; load ${run.load.toFixed(1)}` +
        (peak.closedUnexpectedly ? `; ${peak.closedUnexpectedly} closed (${peak.lastCloseReason})` : '') +
        (peak.refused ? `; ${peak.refused} refused (${peak.lastError})` : ''),
    );
    return run;
  } finally {
    await gen.stop();
    await set.stop();
  }
}

export async function scaleOutSection(ctx: Ctx) {
  const backends = await startBackends();
  const runs: ScaleRun[] = [];
  try {
    for (const cfg of CONFIGS) runs.push(await measure(cfg, ctx, backends));
  } finally {
    await backends.stop();
  }
  const rows: Row[] = [];
  const one = runs[0]!;
  for (const r of runs) {
    rows.push({
      metric: `${r.label}: msgs/s`,
      value: r.perSecond,
      unit: 'msg/s',
      note:
        `${(r.perSecond / one.perSecond).toFixed(2)}x 1 node; cross-node ${pct(r.crossShare)}; ` +
        `p99 ${r.latencyMs.p99.toFixed(1)} ms; cpu nodes ${pct(r.nodeCpu)} redis ${pct(r.redisCpu)} ` +
        `loadgen ${pct(r.loadgenCpu)}; load ${r.load.toFixed(1)}`,
    });
    rows.push({
      metric: `${r.label}: cpu per message`,
      value: r.nodeUsPerMsg + r.redisUsPerMsg,
      unit: 'us/msg',
      note: `nodes ${r.nodeUsPerMsg.toFixed(1)} + redis ${r.redisUsPerMsg.toFixed(1)}; at ${LIGHT_RATE}/s p50 ${r.light.p50.toFixed(2)} ms p99 ${r.light.p99.toFixed(2)} ms`,
    });
  }
  const local = runs.find((r) => r.label.endsWith('pairs local'));
  const split = runs.find((r) => r.label.endsWith('pairs split'));
  if (local && split && split.crossShare > local.crossShare) {
    const dShare = split.crossShare - local.crossShare;
    const cost =
      (split.nodeUsPerMsg + split.redisUsPerMsg - (local.nodeUsPerMsg + local.redisUsPerMsg)) / dShare;
    rows.push({
      metric: 'cross-node hop: extra cpu per message',
      value: cost,
      unit: 'us/msg',
      note: `2 nodes, every pair split vs every pair on one node (cross ${pct(split.crossShare)} vs ${pct(local.crossShare)}), nodes + redis-server`,
    });
    rows.push({
      metric: 'cross-node hop: extra latency',
      value: split.light.p50 - local.light.p50,
      unit: 'ms',
      note: `p50 at ${LIGHT_RATE}/s open loop: ${split.light.p50.toFixed(2)} split vs ${local.light.p50.toFixed(2)} local`,
    });
  }
  const chartRuns = runs.filter((r) => !/pairs (local|split)/.test(r.label));
  const chart = writeChart(
    'bench-scale-out.svg',
    barChart({
      title: 'sealpeer: msgs/s against relay nodes (closed loop, 100 pairs, 1 KiB)',
      subtitle: `2 cores shared by nodes, redis-server, PostgreSQL and the load generator; load avg ${Math.min(...runs.map((r) => r.load)).toFixed(1)}-${Math.max(...runs.map((r) => r.load)).toFixed(1)}`,
      yLabel: 'messages / s',
      bars: chartRuns.map((r) => ({
        label: r.label.replace(' (SQLite)', ''),
        value: r.perSecond,
        note: `cross ${pct(r.crossShare)}`,
      })),
    }),
  );
  rows.push({ metric: 'chart', value: chart });
  return { rows, data: { pairs: PAIRS, runs } };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
