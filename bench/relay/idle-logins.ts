// The login phase of the idle section (issue #17, Speed), shared by its one-process and its `--workers`
// measurements: prefilled credentials logged in by several load generator processes (each holds only
// its share of the sockets: one process can hold no more than its open-files limit), every client bound
// to one of SPREAD loopback source addresses (127.0.0.2 ...; loopback only), then held idle.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import type { Child } from '../lib/child.ts';
import { fdLimit, rssOf } from '../lib/proc.ts';
import { loopbackAddress } from './clients.ts';
import type { Opened } from './loadgen.ts';

/** Loopback source addresses the clients are spread over (127.0.0.2-127.0.0.201). */
export const SPREAD = 200;
/** Logins in flight per load generator. */
export const CONCURRENCY = 100;
/** Open files wanted per process: the server's sockets plus room. */
const FD_WANTED = 262_144;
/** File descriptors a process needs besides its client sockets (store, listeners, stdio, epoll...). */
export const FD_SPARE = 300;

export interface Login {
  clientId: string;
  password: string;
  sessionId: string;
}

let raiseError = '';

/** Why raising the open-files limit failed (empty if it never did, or was not tried). */
export const raiseFailure = (): string => raiseError;

/** Raises `pid`'s open-files limit with prlimit (root with CAP_SYS_RESOURCE); returns the limit it has. */
export function raiseFds(pid: number): number {
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

export interface Held {
  reached: number;
  failed: number;
  firstError: string;
  /** Wall seconds from the first login started to the last one answered. */
  loginS: number;
  loginsPerSec: number;
  /** 1-minute load average when the logins started. */
  load0: number;
}

/** Logs every one of `logins` in at `url`, the clients split evenly over `gens`; they stay open. */
export async function logInAll(gens: Child[], url: string, logins: Login[]): Promise<Held> {
  const clients = logins.map((l, i) => ({
    url,
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
  const share = Math.ceil(clients.length / gens.length);
  const load0 = loadavg()[0] ?? 0;
  const t1 = performance.now();
  const opened = await Promise.all(
    gens.map((g, k) =>
      g.call<Opened>(
        'open',
        {
          kind: 'sealpeer',
          clients: clients.slice(k * share, (k + 1) * share),
          payloadBytes: 16,
          concurrency: CONCURRENCY,
          timeoutMs: 120_000,
          tolerant: true,
          maxFailures: 200,
        },
        1_800_000,
      ),
    ),
  );
  const loginS = (performance.now() - t1) / 1000;
  const reached = opened.reduce((s, o) => s + o.opened, 0);
  return {
    reached,
    failed: opened.reduce((s, o) => s + o.failed, 0),
    firstError: opened.find((o) => o.firstError)?.firstError ?? '',
    loginS,
    loginsPerSec: reached / loginS,
    load0,
  };
}

export interface Closed {
  /** Connections still open just before closing (logged in and held through the measurement). */
  held: number;
  /** Closed by the other side meanwhile, and the last reason. */
  dropped: number;
  dropReason: string;
  genRss: number;
  load1: number;
}

/** How many are still held, the generators' RSS and the load average now; then every client closed. */
export async function closeAll(gens: Child[]): Promise<Closed> {
  const alive = await Promise.all(
    gens.map((g) => g.call<{ open: number; closedUnexpectedly: number; lastCloseReason: string }>('alive')),
  );
  const genRss = gens.reduce((s, g) => s + rssOf(g.proc.pid!), 0);
  const load1 = loadavg()[0] ?? 0;
  await Promise.all(gens.map((g) => g.call('close', undefined, 600_000)));
  return {
    held: alive.reduce((s, a) => s + a.open, 0),
    dropped: alive.reduce((s, a) => s + a.closedUnexpectedly, 0),
    dropReason: alive.find((a) => a.lastCloseReason)?.lastCloseReason ?? '',
    genRss,
    load1,
  };
}

/** One line for the log: how the login phase went. */
export function heldLine(h: Held): string {
  return (
    `${h.reached} logged in (${h.failed} failed${h.firstError ? `: ${h.firstError}` : ''}) in ` +
    `${h.loginS.toFixed(1)} s (${Math.round(h.loginsPerSec)}/s)`
  );
}
