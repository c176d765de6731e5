// `sealpeer-server --workers N|auto` (issue #17, item 3): one primary process forks N workers with
// node:cluster; they share the listening port (the primary hands out connections round-robin) and meet
// on the bus like separate nodes, so any worker serves any client. The primary serves nothing itself:
// it restarts a worker that dies, and on SIGTERM/SIGINT stops them all (each closes its sockets with
// 1001) and exits 0. Each worker's admin listener is on --admin-port + its index (0, 1, …).
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';

/** --workers value: a count, or `auto` (one per available core). */
export function parseWorkers(raw: string): number {
  const v = raw.trim();
  if (v === 'auto') return Math.max(1, availableParallelism());
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 256)
    throw new Error(`--workers wants a number of processes from 1 to 256, or auto, got '${raw}'`);
  return Number(v);
}

export const WORKER_INDEX_ENV = 'SEALPEER_WORKER_INDEX';

/** The admin port of worker `index`: off stays off, "any free port" stays so, else one port each. */
export function workerAdminPort(adminPort: number, index: number): number {
  return adminPort > 0 ? adminPort + index : adminPort;
}

/** Runs the primary until a signal stops it; resolves with the exit code. */
export function runPrimary(n: number, log: Logger): Promise<number> {
  let stopping = false;
  const byIndex = new Map<Worker, number>();
  const fork = (index: number): void => {
    const w = cluster.fork({ [WORKER_INDEX_ENV]: String(index) });
    byIndex.set(w, index);
  };
  cluster.on('exit', (w, code, signal) => {
    const index = byIndex.get(w) ?? 0;
    byIndex.delete(w);
    if (stopping) return;
    log.error(
      { event: 'worker_died', index, pid: w.process.pid, code, signal },
      'worker died; restarting it',
    );
    setTimeout(() => fork(index), 1000).unref();
  });
  for (let i = 0; i < n; i++) fork(i);
  log.info({ event: 'workers', workers: n }, 'started workers');
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ event: 'shutdown', signal }, 'stopping workers');
      const left = [...byIndex.keys()];
      if (left.length === 0) resolve(0);
      let n = left.length;
      for (const w of left) {
        w.once('exit', () => {
          if (--n === 0) resolve(0);
        });
        w.process.kill('SIGTERM');
      }
      setTimeout(() => {
        for (const w of byIndex.keys()) w.process.kill('SIGKILL');
        resolve(1);
      }, 10_000).unref();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
