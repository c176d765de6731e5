// What the numbers were measured on: printed with every table and stored in bench/results.json.
import { execFileSync } from 'node:child_process';
import { cpus, freemem, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  node: string;
  platform: string;
  totalMemGiB: number;
  freeMemGiB: number;
  loadAvg1m: number;
  ulimitNofile: string;
  commit: string;
  date: string;
}

function tryExec(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    cpuModel: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    totalMemGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    loadAvg1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    ulimitNofile: tryExec('sh', ['-c', 'ulimit -n']),
    commit: tryExec('git', ['rev-parse', '--short', 'HEAD']),
    date: new Date().toISOString(),
  };
}
