// Idle connections at scale (issue #17, Speed): N logged-in idle WebSockets on one sealpeer node, all
// loopback (spread over 200 source addresses 127.0.0.2-127.0.0.201, each client binds localAddress), the
// server's RSS against the 1 GiB budget, and logins/s. Credentials are written into the node's SQLite
// store before it starts (bench/hosts/prefill.ts, the HTTP route's own transaction and password hash),
// so the figure is the login path itself: one store read, one SHA-256, the upgrade and the bookkeeping.
// The load comes from several generator processes (one process's sockets and heap stay modest); every
// process needs an open-files limit above its share: scripts/run-tsx.mjs raises it (as root, beyond the
// default hard limit), and this section raises it again on its children with prlimit when it can.
// Then the same number on ONE HOST with `sealpeer-server --workers N` (bench/scale/idle-workers.ts): no
// process past its open-files limit, the RSS of the primary and every worker summed.
import { Child } from '../lib/child.ts';
import type { Ctx, Row } from '../lib/section.ts';
import {
  CONCURRENCY,
  closeAll,
  FD_SPARE,
  heldLine,
  type Login,
  logInAll,
  raiseFailure,
  raiseFds,
  SPREAD,
} from '../relay/idle-logins.ts';
import type { Started } from '../relay/provision.ts';
import { measureWorkers, type WorkersRun, workerRows } from '../scale/idle-workers.ts';

const here = new URL('.', import.meta.url);
const HOST = new URL('../hosts/relay-host.ts', here);
const LOADGEN = new URL('../relay/loadgen.ts', here);
const GiB = 2 ** 30;
const GENERATORS = 4;

type Usage = { rss: number; heapUsed: number };

async function measure(wanted: number, ctx: Ctx) {
  const host = Child.start(HOST, { nodeArgs: ['--expose-gc', '--max-old-space-size=4096'] });
  const gens = Array.from({ length: GENERATORS }, () => Child.start(LOADGEN));
  try {
    const serverFds = raiseFds(host.proc.pid!);
    const genFds = Math.min(...gens.map((g) => raiseFds(g.proc.pid!)));
    // One process cannot hold more sockets than its open-files limit: measure what fits, and say so.
    const n = Math.min(wanted, serverFds - FD_SPARE, GENERATORS * (genFds - FD_SPARE));
    const limitedBy =
      n < wanted
        ? `open-files limit ${serverFds} per process (hard limit; raising it: ${raiseFailure() || 'not attempted'})`
        : '';
    if (limitedBy) ctx.log(`   ${wanted}: measuring ${n} instead: ${limitedBy}`);
    const t0 = performance.now();
    const started = await host.call<Started & { prefilled?: { logins?: Login[]; seconds: number } }>(
      'start',
      { kind: 'sealpeer', fill: { credentials: n, emptyChannels: 0, logins: true } },
      1_800_000,
    );
    const logins = started.prefilled?.logins ?? [];
    if (logins.length !== n) throw new Error(`prefill gave ${logins.length} logins, wanted ${n}`);
    ctx.log(`   ${n}: ${n} credentials written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const before = await host.call<Usage>('gc');
    const h = await logInAll(gens, started.url, logins);
    await new Promise((r) => setTimeout(r, 2000));
    const after = await host.call<Usage>('gc');
    const c = await closeAll(gens);
    await host.call('stop');
    const r = {
      wanted,
      n,
      limitedBy,
      ...h,
      ...c,
      serverRss: after.rss,
      rssPerConn: (after.rss - before.rss) / Math.max(1, c.held),
      heapPerConn: (after.heapUsed - before.heapUsed) / Math.max(1, c.held),
      serverFds,
      genFds,
      load: [h.load0, c.load1] as [number, number],
    };
    ctx.log(
      `   ${n}: ${heldLine(h)}, ${c.held} held; server RSS ${(r.serverRss / 2 ** 20).toFixed(0)} MiB ` +
        `(${(r.rssPerConn / 1024).toFixed(1)} KiB/conn); fd limits server ${serverFds} loadgen ${genFds}; ` +
        `load ${h.load0.toFixed(1)} -> ${c.load1.toFixed(1)}`,
    );
    return r;
  } finally {
    await Promise.all(gens.map((g) => g.stop()));
    await host.stop();
  }
}

export async function idleSection(ctx: Ctx) {
  const wanted = ctx.quick ? 10_000 : 100_000;
  const r = await measure(wanted, ctx);
  const label = `${Math.round(r.n / 100) / 10}k`;
  const within = r.serverRss <= GiB;
  const at100k = (r.serverRss + (100_000 - r.held) * r.rssPerConn) / 2 ** 20;
  const verdict =
    r.n === 100_000 && r.held === r.n
      ? within
        ? 'met'
        : 'MISSED'
      : ctx.quick
        ? 'not measured (--quick)'
        : `NOT REACHED here (${r.limitedBy || 'connections failed'}); ${at100k.toFixed(0)} MiB extrapolated from the per-connection RSS`;
  const rows: Row[] = [
    {
      metric: `logged-in idle connections on one node (asked ${wanted / 1000}k)`,
      value: r.held,
      unit: 'conns',
      note:
        (r.held === r.n
          ? `all ${r.n} held; ${SPREAD} loopback source addresses, ${GENERATORS} load generator processes`
          : `${r.failed} failed, first: ${r.firstError.slice(0, 160)}; ${r.dropped} dropped ${r.dropReason}`) +
        (r.limitedBy ? `; capped by the ${r.limitedBy}` : ''),
    },
    {
      metric: `server RSS with ${label} idle`,
      value: r.serverRss / 2 ** 20,
      unit: 'MiB',
      note: `target <= 1 GiB at 100k: ${verdict}; ${(r.rssPerConn / 1024).toFixed(1)} KiB RSS and ${(r.heapPerConn / 1024).toFixed(1)} KiB heap per connection`,
    },
    {
      metric: `logins/s (${label}, ${GENERATORS * CONCURRENCY} in flight)`,
      value: r.loginsPerSec,
      unit: '/s',
      note: `${r.loginS.toFixed(1)} s for all; load avg ${r.load[0].toFixed(1)} -> ${r.load[1].toFixed(1)} on 2 cores`,
    },
    {
      metric: 'open-files limit (server / each load generator)',
      value: `${r.serverFds} / ${r.genFds}`,
      note: `load generators' RSS ${(r.genRss / 2 ** 20).toFixed(0)} MiB in all`,
    },
  ];
  // The same logins on one host with --workers: no process past its open-files limit.
  let workers: WorkersRun | undefined;
  try {
    workers = await measureWorkers(wanted, ctx);
    rows.push(...workerRows(workers, wanted));
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);
    ctx.log(`   --workers: ${msg}`);
    rows.push({ metric: 'idle connections on one host with --workers', value: 'failed', note: msg });
  }
  return { rows, data: { oneProcess: r, workers } };
}
