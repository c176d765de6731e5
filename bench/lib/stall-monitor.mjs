// Diagnosis aid for tail-latency stalls (issue #17, docs/performance.md): preload it into every bench
// process with
//   STALL_DIR=/tmp/stalls NODE_OPTIONS="--import=$PWD/bench/lib/stall-monitor.mjs" npm run bench -- ...
// Each process appends to STALL_DIR/<pid>.log (first line names its script): every event-loop gap
// longer than STALL_MS (default 8; the 5 ms timer period is included) and every GC pause over 3 ms with
// its kind and the heap in use, all stamped with wall-clock ms so that processes can be lined up (a gap
// seen at the same instant in every process is the machine, not the code).
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { constants, PerformanceObserver, performance } from 'node:perf_hooks';

const dir = process.env.STALL_DIR ?? '/tmp/stalls';
const limitMs = Number(process.env.STALL_MS ?? 8);
mkdirSync(dir, { recursive: true });
const file = join(dir, `${process.pid}.log`);
const write = (s) =>
  appendFileSync(file, `${(performance.timeOrigin + performance.now()).toFixed(0)} ${s}\n`);
const KINDS = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};
write(`start ${process.argv.slice(1).join(' ')}`);
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.duration <= 3) continue;
    const heapMb = (process.memoryUsage().heapUsed / 1e6).toFixed(1);
    write(`gc ${KINDS[e.detail?.kind] ?? e.detail?.kind} ${e.duration.toFixed(1)}ms heap=${heapMb}MB`);
  }
}).observe({ entryTypes: ['gc'] });
let last = performance.now();
setInterval(() => {
  const now = performance.now();
  if (now - last > limitMs) write(`stall ${(now - last).toFixed(1)}ms`);
  last = now;
}, 5).unref();
