// Idle connections at scale (issue #17, Speed): N logged-in idle WebSockets on one sealpeer node, all
// loopback (spread over 200 source addresses 127.0.0.2-127.0.0.201, each client binds localAddress), the
// server's RSS against the 1 GiB budget, and logins/s. Credentials are written into the node's SQLite
// store before it starts (bench/hosts/prefill.ts, the HTTP route's own transaction and password hash),
// so the figure is the login path itself: one store read, one SHA-256, the upgrade and the bookkeeping.
// The load comes from several generator processes (one process's sockets and heap stay modest); every
// process needs an open-files limit above its share: scripts/run-tsx.mjs raises it (as root, beyond the
// default hard limit), and this section raises it again on its children with prlimit when it can.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Child } from '../lib/child.ts';
import { rssOf } from '../lib/proc.ts';
import type { Ctx, Row } from '../lib/section.ts';
import { loopbackAddress } from '../relay/clients.ts';
import type { Opened } from '../relay/loadgen.ts';
import type { Started } from '../relay/provision.ts';

const here = new URL('.', import.meta.url);
const HOST = new URL('../hosts/relay-host.ts', here);
const LOADGEN = new URL('../relay/loadgen.ts', here);
const GiB = 2 ** 30;
const SPREAD = 200;
const GENERATORS = 4;
/** Open files wanted per process: the server's sockets plus room. */
const FD_WANTED = 262_144;

type Usage = { rss: number; heapUsed: number };
interface Login {
  clientId: string;
  password: string;
  sessionId: string;
}

/** The soft open-files limit of `pid` (from /proc/pid/limits). */
function fdLimit(pid: number | 'self'): number {
  const m = /Max open files\s+(\d+|unlimited)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  return !m || m[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(m[1]);
}

let raiseError = '';

/** Raises `pid`'s open-files limit with prlimit (root with CAP_SYS_RESOURCE); returns the limit it has. */
function raiseFds(pid: number): number {
  if (fdLimit(pid) < FD_WANTED) {
    try {
      execFileSync('prlimit', ['--pid', String(pid), `--nofile=${FD_WANTED}:${FD_WANTED}`], {
        stdio: 'pipe',
      });
    } catch (e) {
      // Not root, or a container without CAP_SYS_RESOURCE: the limit stays, and the rows say why.
      raiseError ||=
        String((e as { stderr?: Buffer }).stderr ?? e)
          .trim()
          .split('\n')[0] ?? '';
    }
  }
  return fdLimit(pid);
}

/** File descriptors a server needs besides its client sockets (store, listeners, stdio, epoll...). */
const FD_SPARE = 300;

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
        ? `open-files limit ${serverFds} per process (hard limit; raising it: ${raiseError || 'not attempted'})`
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
    const clients = logins.map((l, i) => ({
      url: started.url,
      id: l.clientId,
      hello: JSON.stringify({
        type: 'login',
        clientId: l.clientId,
        password: l.password,
        sessionId: l.sessionId,
      }),
      readyMarker: '"login_ok"',
      localAddress: loopbackAddress(i, SPREAD)!,
    }));
    const share = Math.ceil(n / GENERATORS);
    const load0 = (await import('node:os')).loadavg()[0] ?? 0;
    const t1 = performance.now();
    const opened = await Promise.all(
      gens.map((g, k) =>
        g.call<Opened>(
          'open',
          {
            kind: 'sealpeer',
            clients: clients.slice(k * share, (k + 1) * share),
            payloadBytes: 16,
            concurrency: 100,
            timeoutMs: 120_000,
            tolerant: true,
            maxFailures: 200,
          },
          1_800_000,
        ),
      ),
    );
    const loginS = (performance.now() - t1) / 1000;
    await new Promise((r) => setTimeout(r, 2000));
    const after = await host.call<Usage>('gc');
    const load1 = (await import('node:os')).loadavg()[0] ?? 0;
    const genRss = gens.reduce((s, g) => s + rssOf(g.proc.pid!), 0);
    const reached = opened.reduce((s, o) => s + o.opened, 0);
    const failed = opened.reduce((s, o) => s + o.failed, 0);
    const firstError = opened.find((o) => o.firstError)?.firstError ?? '';
    await Promise.all(gens.map((g) => g.call('close', undefined, 600_000)));
    await host.call('stop');
    const r = {
      wanted,
      n,
      limitedBy,
      reached,
      failed,
      firstError,
      loginS,
      loginsPerSec: reached / loginS,
      serverRss: after.rss,
      rssPerConn: (after.rss - before.rss) / Math.max(1, reached),
      heapPerConn: (after.heapUsed - before.heapUsed) / Math.max(1, reached),
      genRss,
      serverFds,
      genFds,
      load: [load0, load1] as [number, number],
    };
    ctx.log(
      `   ${n}: ${reached} logged in (${failed} failed${firstError ? `: ${firstError}` : ''}) in ${loginS.toFixed(1)} s ` +
        `(${Math.round(r.loginsPerSec)}/s); server RSS ${(r.serverRss / 2 ** 20).toFixed(0)} MiB ` +
        `(${(r.rssPerConn / 1024).toFixed(1)} KiB/conn); fd limits server ${serverFds} loadgen ${genFds}; ` +
        `load ${load0.toFixed(1)} -> ${load1.toFixed(1)}`,
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
  const at100k = (r.serverRss + (100_000 - r.reached) * r.rssPerConn) / 2 ** 20;
  const verdict =
    r.n === 100_000 && r.reached === r.n
      ? within
        ? 'met'
        : 'MISSED'
      : ctx.quick
        ? 'not measured (--quick)'
        : `NOT REACHED here (${r.limitedBy || 'connections failed'}); ${at100k.toFixed(0)} MiB extrapolated from the per-connection RSS`;
  const rows: Row[] = [
    {
      metric: `logged-in idle connections on one node (asked ${wanted / 1000}k)`,
      value: r.reached,
      unit: 'conns',
      note:
        (r.reached === r.n
          ? `all ${r.n} held; ${SPREAD} loopback source addresses, ${GENERATORS} load generator processes`
          : `${r.failed} failed, first: ${r.firstError.slice(0, 160)}`) +
        (r.limitedBy ? `; capped by the ${r.limitedBy}` : ''),
    },
    {
      metric: `server RSS with ${label} idle`,
      value: r.serverRss / 2 ** 20,
      unit: 'MiB',
      note: `target <= 1 GiB at 100k: ${verdict}; ${(r.rssPerConn / 1024).toFixed(1)} KiB RSS and ${(r.heapPerConn / 1024).toFixed(1)} KiB heap per connection`,
    },
    {
      metric: `logins/s (${label}, 400 in flight)`,
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
  return { rows, data: r };
}
