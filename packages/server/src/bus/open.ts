// Opens the bus a --bus value names (spec.ts): in-process, or Redis (ioredis is loaded only then).
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { InProcessBus } from './local.ts';
import type { Bus, LocalSide } from './types.ts';

export async function openBus(
  spec: string,
  opts: { heartbeatMs: number; log: Logger; local: (nodeId: string) => LocalSide },
): Promise<Bus> {
  if (spec === 'local') return new InProcessBus();
  const { RedisBus } = await import('./redis.ts');
  const nodeId = randomBytes(8).toString('hex');
  const bus = await RedisBus.open({ url: spec, nodeId, heartbeatMs: opts.heartbeatMs, log: opts.log });
  bus.attach(opts.local(nodeId));
  return bus;
}
