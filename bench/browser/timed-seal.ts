// BENCH-ONLY wrapper for packages/client/src/envelope/seal.ts, swapped in by a Vite plugin for the
// "sealed" build of the browser section (bench/sections/browser.ts): the real seal/open, each call
// timed with performance.now() into globalThis.__sealpeerSealTiming, so the bench can read how many
// milliseconds sealing itself took in each page. Two clock reads per call; never part of a real build.
import type { Frame } from '../../packages/client/src/envelope/frame.ts';
import type { Inner } from '../../packages/client/src/envelope/inner.ts';
import {
  type OpenResult,
  open as realOpen,
  seal as realSeal,
  type SealContext,
} from '../../packages/client/src/envelope/seal.ts';

export type { OpenResult, SealContext };

interface Timing {
  ms: number;
  calls: number;
}

function timing(): Timing {
  const g = globalThis as { __sealpeerSealTiming?: Timing };
  g.__sealpeerSealTiming ??= { ms: 0, calls: 0 };
  return g.__sealpeerSealTiming;
}

export function seal(ctx: SealContext, counter: bigint, inner: Inner): Frame | undefined {
  const t0 = performance.now();
  try {
    return realSeal(ctx, counter, inner);
  } finally {
    const t = timing();
    t.ms += performance.now() - t0;
    t.calls++;
  }
}

export function open(ctx: SealContext, frame: Frame): OpenResult {
  const t0 = performance.now();
  try {
    return realOpen(ctx, frame);
  } finally {
    const t = timing();
    t.ms += performance.now() - t0;
    t.calls++;
  }
}
