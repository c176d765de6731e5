// The shape every bench section returns, and the guard that turns a failure into a "skipped" row so
// that one missing package never stops the whole run.
import { loadavg } from 'node:os';

export interface Row {
  metric: string;
  value: number | string;
  unit?: string;
  note?: string;
}

export interface SectionResult {
  name: string;
  rows: Row[];
  /** Set when the whole section could not run: why. */
  skipped?: string;
  /** Raw figures for bench/results.json. */
  data?: unknown;
  seconds?: number;
  /** 1-minute load average when the section started and ended (2 cores: above 2 means contention). */
  load?: [number, number];
}

export interface Ctx {
  quick: boolean;
  /** Write a CPU profile of the sealpeer relay during the peak run (--profile). */
  profile: boolean;
  /** Restrict the relay section to these relays (--targets=ws,peerjs,sealpeer). */
  targets?: string[];
  /** Bench-only patch applied to the sealpeer relay process (bench/hosts/experiments.ts). */
  experiment?: string;
  log(msg: string): void;
}

export type Section = (ctx: Ctx) => Promise<Omit<SectionResult, 'name'>>;

/** Thrown (or an Error whose message starts with "skipped:") to say a section cannot run yet. */
export class Skip extends Error {}

export function skipReason(e: unknown): string | undefined {
  if (e instanceof Skip) return e.message;
  const msg = e instanceof Error ? e.message : String(e);
  const m = /skipped: ([^\n]*)/.exec(msg);
  return m ? m[1] : undefined;
}

/** True when `specifier` resolves and exports every name in `names` (functions or classes). */
export async function hasExports(specifier: string, names: string[]): Promise<string | undefined> {
  try {
    const mod: Record<string, unknown> = await import(specifier);
    const missing = names.filter((n) => mod[n] === undefined);
    return missing.length ? `${specifier} does not export ${missing.join(', ')} yet` : undefined;
  } catch (e) {
    return `${specifier} cannot be loaded: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
  }
}

const load1 = (): number => Math.round((loadavg()[0] ?? 0) * 10) / 10;

export async function runSection(name: string, fn: Section, ctx: Ctx): Promise<SectionResult> {
  const start = performance.now();
  const loadStart = load1();
  ctx.log(`== ${name}`);
  try {
    const r = await fn(ctx);
    return { name, ...r, seconds: (performance.now() - start) / 1000, load: [loadStart, load1()] };
  } catch (e) {
    const reason = skipReason(e);
    const msg = reason ?? `error: ${(e instanceof Error ? (e.stack ?? e.message) : String(e)).slice(0, 600)}`;
    ctx.log(`   ${name}: ${msg}`);
    return {
      name,
      rows: [
        { metric: '(section)', value: reason ? `skipped: ${reason}` : 'failed', note: reason ? '' : msg },
      ],
      skipped: msg,
      seconds: (performance.now() - start) / 1000,
      load: [loadStart, load1()],
    };
  }
}
