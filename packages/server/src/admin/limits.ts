// The relay limits an operator may change at runtime (PATCH /admin/limits), each with its range. Only
// limits the code reads live are here: a change applies to the next request / connection / frame (rates
// and the login timeout: to connections opened after it). The others need a restart (--help).
import type { Limits } from '../config.ts';

export interface Range {
  min: number;
  max: number;
}

export const RUNTIME_LIMITS = {
  maxClientsPerChannel: { min: 1, max: 1_000_000 },
  messageRate: { min: 1, max: 100_000 },
  messageBurst: { min: 1, max: 100_000 },
  maxConnectionsPerIp: { min: 1, max: 1_000_000 },
  loginTimeoutMs: { min: 1000, max: 300_000 },
  maxInvalidFrames: { min: 1, max: 10_000 },
  maxRendezvousTags: { min: 1, max: 4096 },
  maxBufferedBytes: { min: 65_536, max: 268_435_456 },
  maxDataBytes: { min: 1024, max: 1_048_576 },
} as const satisfies Partial<Record<keyof Limits, Range>>;

export type RuntimeLimit = keyof typeof RUNTIME_LIMITS;

export const RUNTIME_LIMIT_KEYS = Object.keys(RUNTIME_LIMITS) as RuntimeLimit[];

/** The range of a key, tightened by the limits it depends on (a data string must fit in a frame). */
export function rangeOf(key: RuntimeLimit, limits: Limits): Range {
  const r: Range = RUNTIME_LIMITS[key];
  if (key === 'maxDataBytes') return { min: r.min, max: Math.min(r.max, limits.maxFrameBytes - 1024) };
  return r;
}

export type LimitChange =
  | { ok: true; changed: Array<{ key: RuntimeLimit; from: number; to: number }> }
  | {
      ok: false;
      message: string;
    };

/** Checks every value first, then applies them all (or none). */
export function applyLimits(limits: Limits, patch: Partial<Record<RuntimeLimit, number>>): LimitChange {
  const entries = Object.entries(patch) as Array<[RuntimeLimit, number]>;
  for (const [key, value] of entries) {
    const { min, max } = rangeOf(key, limits);
    if (!Number.isSafeInteger(value) || value < min || value > max)
      return { ok: false, message: `${key} must be a whole number from ${min} to ${max}, got ${value}.` };
  }
  const changed = entries.map(([key, to]) => ({ key, from: limits[key], to }));
  for (const [key, value] of entries) limits[key] = value;
  return { ok: true, changed };
}
