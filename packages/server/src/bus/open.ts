// Opens the bus a --bus value names (spec.ts): in-process, or Redis (ioredis is loaded only then).
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Metrics } from '../admin/metrics.ts';
import { InProcessBus } from './local.ts';
import type { Bus, LocalSide } from './types.ts';

export async function openBus(
  spec: string,
  opts: { heartbeatMs: number; log: Logger; metrics: Metrics; local: (nodeId: string) => LocalSide },
): Promise<Bus> {
  opts.metrics.busUp.set(1);
  if (spec === 'local') return new InProcessBus();
  const { RedisBus } = await import('./redis.ts');
  const nodeId = randomBytes(8).toString('hex');
  const { metrics } = opts;
  const bus = await RedisBus.open({
    url: spec,
    nodeId,
    heartbeatMs: opts.heartbeatMs,
    log: opts.log,
    up: (up) => metrics.busUp.set(up ? 1 : 0),
    routed: (kind) => metrics.busRouted.labels(kind).inc(),
  });
  bus.attach(opts.local(nodeId));
  return bus;
}
