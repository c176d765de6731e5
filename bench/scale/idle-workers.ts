// The idle section's ONE-HOST measurement (issue #17, Speed): N logged-in idle connections on one
// `sealpeer-server --workers W` (node:cluster, one port; docs/operators/scale-out.md), W chosen so that
// no process holds more sockets than fit under its open-files limit (20,000 here, not raisable in this
// container), and the load spread over enough generator processes for the same reason. `--workers`
// needs a bus and a shared store (the server refuses it otherwise): a private redis-server and a private
// PostgreSQL on 127.0.0.1 (test-support, as bench/scale/cluster.ts starts them), the credentials written
// into that database before the node starts (bench/hosts/prefill.ts). The memory figure is the RSS
// (/proc/PID/status VmRSS) of the primary and every worker (its children) summed; Redis's is beside it.
// The workers are the real binary, so no forced GC before the snapshots (the one-process row has one).
import { prefill } from '../hosts/prefill.ts';
import { Child } from '../lib/child.ts';
import { fdCount, fdLimit, processTree, rssOf } from '../lib/proc.ts';
import type { Ctx, Row } from '../lib/section.ts';
import {
  CONCURRENCY,
  closeAll,
  FD_SPARE,
  heldLine,
  logInAll,
  raiseFds,
  SPREAD,
} from '../relay/idle-logins.ts';
import { heapUsed, type NodeSet, startBackends, startNodes } from './cluster.ts';

const LOADGEN = new URL('../relay/loadgen.ts', import.meta.url);
const MiB = 2 ** 20;
const GiB = 2 ** 30;
/**
 * Sockets per worker on average: the primary hands connections out round robin, but to whichever worker
 * is free, so the split is not exact (±3% at 10k over 2); 17k leaves ~2.7k below the 20,000 limit.
 */
const PER_WORKER = 17_000;
/** Sockets per load generator (the split between generators is exact). */
const PER_GENERATOR = 17_000;
/** Wait after the last login before the snapshot (presence writes and heartbeats settle). */
const SETTLE_MS = 5000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

export interface WorkersRun {
  wanted: number;
  workers: number;
  generators: number;
  prefillS: number;
  reached: number;
  failed: number;
  firstError: string;
  held: number;
  dropped: number;
  dropReason: string;
  loginS: number;
  loginsPerSec: number;
  /** RSS of the primary + workers before the logins and after them (bytes). */
  rssBefore: number;
  rssAfter: number;
  primaryRss: number;
  workerRss: number[];
  /** V8 heap in use over all workers (their /metrics), per connection gained. */
  heapPerConn: number;
  /** Sockets each worker gained (open fds after - before), and the workers' open-files limit. */
  workerSockets: number[];
  workerFdLimit: number;
  /** True when the process tree changed during the run (a worker died and was restarted). */
  workerRestarted: boolean;
  redisRss: number;
  genRss: number;
  genFds: number;
  load: [number, number];
}

/** Logs `wanted` prefilled clients in to one `--workers` node and holds them; the figures. */
export async function measureWorkers(wanted: number, ctx: Ctx): Promise<WorkersRun> {
  const workers = Math.max(2, Math.ceil(wanted / PER_WORKER));
  const generators = Math.max(4, Math.ceil(wanted / PER_GENERATOR));
  const backends = await startBackends();
  let set: NodeSet | undefined;
  const gens: Child[] = [];
  try {
    const database = await backends.pg.createDatabase();
    const t0 = performance.now();
    const filled = await prefill('', wanted, 0, { logins: true, store: database });
    const logins = filled.logins ?? [];
    if (logins.length !== wanted) throw new Error(`prefill gave ${logins.length} logins, wanted ${wanted}`);
    const prefillS = (performance.now() - t0) / 1000;
    ctx.log(
      `   --workers ${workers}: ${wanted} credentials written to PostgreSQL in ${prefillS.toFixed(1)} s`,
    );
    set = await startNodes({ nodes: 1, workers, backends, database });
    const primary = set.pids[0]!;
    const pids = processTree(primary);
    if (pids.length !== workers + 1)
      throw new Error(`the --workers ${workers} node has ${pids.length - 1} worker processes`);
    for (let i = 0; i < generators; i++) gens.push(Child.start(LOADGEN));
    const genFds = Math.min(...gens.map((g) => raiseFds(g.proc.pid!)));
    const workerFdLimit = Math.min(...pids.slice(1).map((p) => fdLimit(p)));
    if (Math.ceil(wanted / generators) > genFds - FD_SPARE)
      throw new Error(
        `${Math.ceil(wanted / generators)} sockets per load generator exceed its limit ${genFds}`,
      );
    await sleep(1000);
    const rssBefore = sum(pids.map(rssOf));
    const fdsBefore = pids.map(fdCount);
    const heapBefore = await heapUsed(set.adminPorts);
    const h = await logInAll(gens, set.wsUrls[0]!, logins);
    await sleep(SETTLE_MS);
    const after = processTree(primary);
    const workerRestarted = after.length !== pids.length || after.some((p) => !pids.includes(p));
    const rss = pids.map(rssOf);
    const workerSockets = pids.slice(1).map((p, i) => fdCount(p) - fdsBefore[i + 1]!);
    const redisRss = rssOf(backends.redis.pid ?? 0);
    const heapAfter = await heapUsed(set.adminPorts);
    const c = await closeAll(gens);
    const r: WorkersRun = {
      wanted,
      workers,
      generators,
      prefillS,
      ...h,
      ...c,
      rssBefore,
      rssAfter: sum(rss),
      primaryRss: rss[0]!,
      workerRss: rss.slice(1),
      heapPerConn: (heapAfter - heapBefore) / Math.max(1, c.held),
      workerSockets,
      workerFdLimit,
      workerRestarted,
      redisRss,
      genFds,
      load: [h.load0, c.load1],
    };
    ctx.log(
      `   --workers ${workers}: ${heldLine(h)}, ${c.held} held; RSS primary + workers ` +
        `${(r.rssAfter / MiB).toFixed(0)} MiB (${(r.rssAfter / Math.max(1, c.held) / 1024).toFixed(1)} KiB/conn); ` +
        `sockets per worker ${Math.min(...workerSockets)}-${Math.max(...workerSockets)} (limit ${workerFdLimit}); ` +
        `Redis ${(redisRss / MiB).toFixed(0)} MiB; load ${h.load0.toFixed(1)} -> ${c.load1.toFixed(1)}`,
    );
    return r;
  } finally {
    await Promise.all(gens.map((g) => g.stop()));
    await set?.stop();
    await backends.stop();
  }
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
const range = (xs: number[], f: (x: number) => string) => `${f(Math.min(...xs))}-${f(Math.max(...xs))}`;

/** The table rows of a `--workers` run (labelled as one host, W processes, and why). */
export function workerRows(r: WorkersRun, wanted: number): Row[] {
  const label = `${Math.round(r.held / 100) / 10}k`;
  const where = `one host, ${r.workers} worker processes`;
  const why =
    r.workerFdLimit - FD_SPARE < wanted
      ? `the container's fd limit of ${r.workerFdLimit.toLocaleString('en-US')} per process prevents one process from holding ${wanted / 1000}k`
      : `one process could hold ${wanted / 1000}k here; the row shows what ${r.workers} processes cost`;
  const verdict =
    wanted < 100_000
      ? 'not measured (--quick)'
      : r.held < 100_000
        ? `NOT REACHED (${r.held} held)`
        : r.rssAfter <= GiB
          ? `met (${where})`
          : `MISSED (${where})`;
  const lost =
    r.held === r.wanted
      ? `all ${r.wanted} held`
      : `${r.failed} failed (first: ${r.firstError.slice(0, 120)}), ${r.dropped} dropped ${r.dropReason}`;
  return [
    {
      metric: `logged-in idle connections, ${where} (asked ${wanted / 1000}k)`,
      value: r.held,
      unit: 'conns',
      note:
        `${where} (${why}); ${lost}; sockets per worker ${range(r.workerSockets, String)}` +
        `${r.workerRestarted ? '; A WORKER DIED AND WAS RESTARTED during the run' : ''}; ` +
        `${r.generators} load generator processes, ${SPREAD} loopback source addresses; ` +
        'Redis bus + PostgreSQL store (--workers needs both)',
    },
    {
      metric: `RSS of all server processes (primary + ${r.workers} workers), ${label} idle`,
      value: r.rssAfter / MiB,
      unit: 'MiB',
      note:
        `target <= 1 GiB at 100k: ${verdict}; ${kib(r.rssAfter / Math.max(1, r.held))} per connection ` +
        `(all RSS / connections), ${kib((r.rssAfter - r.rssBefore) / Math.max(1, r.held))} over the ` +
        `${mib(r.rssBefore)} of the idle processes, ${kib(r.heapPerConn)} of it V8 heap (no forced GC); primary ${mib(r.primaryRss)}, workers ` +
        `${range(r.workerRss, mib)}; not counted: redis-server ${mib(r.redisRss)}`,
    },
    {
      metric: `logins/s, ${where} (${label}, ${r.generators * CONCURRENCY} in flight)`,
      value: r.loginsPerSec,
      unit: '/s',
      note:
        `${r.loginS.toFixed(1)} s for all; each login: 2 PostgreSQL reads (credential, lockout), 1 Redis ` +
        `MULTI (presence + publish, heard by every worker); ` +
        `load avg ${r.load[0].toFixed(1)} -> ${r.load[1].toFixed(1)} on 2 cores`,
    },
    {
      metric: `load generators for the ${r.workers}-worker run`,
      value: `${r.generators} x ${Math.ceil(r.wanted / r.generators)}`,
      note: `open-files limit ${r.genFds} each; their RSS ${mib(r.genRss)} in all; credentials written in ${r.prefillS.toFixed(0)} s`,
    },
  ];
}
