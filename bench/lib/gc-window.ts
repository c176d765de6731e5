// A process's GC pauses over a window (PerformanceObserver 'gc': cheap, always on): scavenges,
// Mark-Compacts (an incremental one is reported as two entries, incremental + major), and the longest.
import { constants, PerformanceObserver } from 'node:perf_hooks';

export interface GcWindow {
  minor: number;
  major: number;
  pauseMs: number;
  maxPauseMs: number;
}

/** Starts counting; `stop()` ends the window and returns its counts. */
export function watchGc(): { stop(): GcWindow } {
  const gc: GcWindow = { minor: 0, major: 0, pauseMs: 0, maxPauseMs: 0 };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gc.minor++;
      else if (
        kind === constants.NODE_PERFORMANCE_GC_MAJOR ||
        kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL
      )
        gc.major++;
      gc.pauseMs += e.duration;
      gc.maxPauseMs = Math.max(gc.maxPauseMs, e.duration);
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  return {
    stop: () => {
      obs.disconnect();
      return gc;
    },
  };
}
