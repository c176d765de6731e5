// CPU time, memory and open files of other processes (and their descendants) from /proc, for bench
// sections whose servers are not bench children that can measure themselves: relay nodes, `--workers`
// primaries, redis-server.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux

function children(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      const txt = readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim();
      if (txt) out.push(...txt.split(/\s+/).map(Number));
    } catch {
      /* the task ended */
    }
  }
  return out;
}

/** utime + stime of one process in microseconds (0 if it is gone). */
function cpuOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_US;
  } catch {
    return 0;
  }
}

/** `pid` and every live descendant (a `--workers` primary and its workers, say). */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...children(p));
  }
  return out;
}

/** CPU microseconds used so far by `pid` and every live descendant. */
export function treeCpuUs(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + cpuOf(p), 0);
}

/** Resident set size of `pid` in bytes (VmRSS), 0 if it is gone. */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Open file descriptors of `pid` (entries of /proc/pid/fd), 0 if it is gone. */
export function fdCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/** The soft open-files limit of `pid` (from /proc/pid/limits). */
export function fdLimit(pid: number | 'self'): number {
  const m = /Max open files\s+(\d+|unlimited)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  return !m || m[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(m[1]);
}

/** Pins `pid` and all its threads to `cpus` (e.g. "0"); false if taskset is missing or refused. */
export async function pin(pid: number, cpus: string): Promise<boolean> {
  const { execFileSync } = await import('node:child_process');
  try {
    execFileSync('taskset', ['-a', '-cp', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
