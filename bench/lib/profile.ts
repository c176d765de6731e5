// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per package, so that the
// bench can print where the relay spends its time without opening DevTools.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileEntry {
  name: string;
  where: string;
  selfPct: number;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const pk = url.indexOf('/packages/');
  if (pk >= 0) return url.slice(pk + 1);
  return url.replace(/^file:\/\//, '') || '(native)';
}

function bucketOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native/builtin)';
  if (url.startsWith('node:')) return url.split('/')[0]!.replace(/^node:/, 'node:');
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const pk = /\/packages\/([^/]+)\/src\/([^/]+)/.exec(url);
  if (pk) return `${pk[1]}/${pk[2]}`;
  return shortUrl(url);
}

/** Top functions and packages by self time, in % of non-idle time. */
export function summariseProfile(
  path: string,
  top = 15,
): { functions: ProfileEntry[]; packages: ProfileEntry[] } {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  if (p.samples && p.timeDeltas) {
    // The first sample's delta runs from the profiler's start (it holds the time of the call that
    // started it, not the program's): left out.
    for (let i = 1; i < p.samples.length; i++) {
      const id = p.samples[i]!;
      self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
    }
  } else for (const n of p.nodes) self.set(n.id, n.hitCount ?? 0);
  let total = 0;
  for (const [id, v] of self) if (byId.get(id)?.callFrame.functionName !== '(idle)') total += v;
  const fn = new Map<string, ProfileEntry>();
  const pkg = new Map<string, ProfileEntry>();
  for (const [id, t] of self) {
    const n = byId.get(id);
    if (!n) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const name = functionName || '(anonymous)';
    if (name === '(idle)') continue;
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const e = fn.get(key) ?? { name, where, selfPct: 0 };
    e.selfPct += (100 * t) / total;
    fn.set(key, e);
    const b = bucketOf(url, name);
    const pe = pkg.get(b) ?? { name: b, where: '', selfPct: 0 };
    pe.selfPct += (100 * t) / total;
    pkg.set(b, pe);
  }
  const sort = (m: Map<string, ProfileEntry>) =>
    [...m.values()].sort((a, b) => b.selfPct - a.selfPct).slice(0, top);
  return { functions: sort(fn), packages: sort(pkg) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv[2];
  if (!path) {
    console.error('usage: tsx bench/lib/profile.ts FILE.cpuprofile');
    process.exit(2);
  }
  const s = summariseProfile(path, 25);
  console.log('self time by package:');
  for (const e of s.packages) console.log(`  ${e.selfPct.toFixed(1).padStart(5)}%  ${e.name}`);
  console.log('self time by function:');
  for (const e of s.functions) console.log(`  ${e.selfPct.toFixed(1).padStart(5)}%  ${e.name}  ${e.where}`);
}
