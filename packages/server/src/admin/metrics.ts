// Prometheus metrics of one server instance (its own Registry: no global state). Served only on the
// admin listener (src/admin/server.ts).
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { LatencyHistogram } from './latency-histogram.ts';

export interface Metrics {
  registry: Registry;
  connections: Gauge;
  logins: Counter<'result'>;
  frames: Counter<'type'>;
  rejected: Counter<'code'>;
  /** Observed on every relayed frame: a cheap histogram (latency-histogram.ts), same exposition. */
  relayLatency: LatencyHistogram;
  /** 1 while the bus is connected (always 1 in-process), 0 while it is reconnecting. */
  busUp: Gauge;
  /** Frames and events this node handed to the bus for other nodes, by kind (send, publish, lost). */
  busRouted: Counter<'kind'>;
  /** Counts an accepted frame of this type (cached label children: this runs on every frame). */
  frame(type: string): void;
  /** Counts a refused frame or connection by error code. */
  reject(code: string): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sealpeer_' });
  const connections = new Gauge({
    name: 'sealpeer_ws_connections',
    help: 'Open WebSocket connections',
    registers: [registry],
  });
  const logins = new Counter({
    name: 'sealpeer_logins_total',
    help: 'WebSocket logins by result (ok, failed)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  // Counted on every accepted frame: a plain number per type, handed to prom-client at scrape time
  // (collect), because a labelled child's inc() validates and hashes its labels on every call.
  const frameCounts = new Map<string, number>();
  const frames = new Counter({
    name: 'sealpeer_frames_total',
    help: 'Accepted client frames by type',
    labelNames: ['type'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [type, n] of frameCounts) this.labels(type).inc(n);
    },
  });
  const rejected = new Counter({
    name: 'sealpeer_rejected_frames_total',
    help: 'Refused frames and connections by error code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const relayLatency = new LatencyHistogram(
    'sealpeer_relay_latency_seconds',
    'Time from receiving a publish/send frame to handing it to the recipients',
    [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05],
    registry,
  );
  const busUp = new Gauge({
    name: 'sealpeer_bus_up',
    help: '1 while the bus to the other nodes is connected (always 1 without --bus)',
    registers: [registry],
  });
  const busRouted = new Counter({
    name: 'sealpeer_bus_routed_total',
    help: 'Frames routed to other nodes by kind (send, publish, rendezvous; lost = no node was listening)',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const cached = (counter: Counter<'type'> | Counter<'code'>) => {
    const children = new Map<string, { inc(): void }>();
    return (label: string): void => {
      let c = children.get(label);
      if (!c) {
        c = counter.labels(label);
        children.set(label, c);
      }
      c.inc();
    };
  };
  return {
    registry,
    connections,
    logins,
    frames,
    rejected,
    relayLatency,
    busUp,
    busRouted,
    frame: (type: string): void => {
      frameCounts.set(type, (frameCounts.get(type) ?? 0) + 1);
    },
    reject: cached(rejected),
  };
}
