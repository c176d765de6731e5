// The --bus value: `local` (the default: one node, nothing else to run) or a `redis://` / `rediss://`
// URL shared by every node. No driver imports here: the config parser uses it.
import { redactUrl } from '../store/spec.ts';

export const isRedisUrl = (spec: string): boolean => /^rediss?:\/\//i.test(spec);

/** Checks a --bus value; returns it, or throws with what to write instead. */
export function parseBusSpec(raw: string): string {
  const spec = raw.trim();
  if (spec === 'local') return spec;
  if (isRedisUrl(spec)) {
    try {
      if (new URL(spec).hostname !== '') return spec;
    } catch {
      /* fall through to the message */
    }
  }
  throw new Error(`--bus wants local or a URL like redis://:password@host:6379/0, got '${redactUrl(raw)}'`);
}

/** What the logs may say about the bus: never the password. */
export function describeBus(spec: string): string {
  return isRedisUrl(spec) ? redactUrl(spec) : 'local';
}
