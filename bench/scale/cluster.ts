// Relay nodes for the scale-out section: real `sealpeer-server` processes (test-support/relay-node.ts)
// on one private redis-server and one private PostgreSQL (throw-away, 127.0.0.1, as the tests use),
// each node with its own admin port so the bench can read `sealpeer_bus_routed_total` (the frames a
// node handed to the bus for another node). Loopback only.
import { freePort, type PostgresInstance, startPostgres } from '../../test-support/postgres.ts';
import { type RedisInstance, startRedis } from '../../test-support/redis.ts';
import { type RelayNode, startRelayNode } from '../../test-support/relay-node.ts';
import { portFree } from './ports.ts';

/** Quantities raised as in bench/hosts/sealpeer-options.ts; every check stays on. */
const BENCH_FLAGS = [
  ...['--login-timeout', '120s', '--bus-heartbeat', '1s', '--max-http-connections-per-ip', '1000000'],
  ...['--message-rate', '1000000', '--message-burst', '1000000'],
];

export interface Backends {
  redis: RedisInstance;
  pg: PostgresInstance;
  stop(): Promise<void>;
}

export async function startBackends(): Promise<Backends> {
  const [redis, pg] = await Promise.all([startRedis(), startPostgres()]);
  return {
    redis,
    pg,
    stop: async () => {
      await redis.stop();
      await pg.stop();
    },
  };
}

export interface NodeSet {
  /** WebSocket URL of each node (one for a --workers node: the port is shared). */
  wsUrls: string[];
  httpUrl: string;
  pids: number[];
  /** Admin ports whose /metrics to read (one per node, or per worker). */
  adminPorts: number[];
  stop(): Promise<void>;
}

/** `count` consecutive free loopback ports. */
async function freeRun(count: number): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = await freePort();
    let ok = true;
    for (let k = 1; k < count && ok; k++) ok = await portFree(p + k);
    if (ok) return p;
  }
  throw new Error(`no ${count} consecutive free ports`);
}

/**
 * `nodes` node processes (each with `workers` workers) on a fresh database of `pg` (or `database`, one
 * of its databases the caller filled) and on `redis`; with neither, one node on its own SQLite file and
 * the in-process bus.
 */
export async function startNodes(opts: {
  nodes: number;
  workers?: number;
  backends?: Backends;
  database?: string;
}): Promise<NodeSet> {
  const workers = opts.workers ?? 1;
  const shared = opts.backends
    ? [
        ...['--store', opts.database ?? (await opts.backends.pg.createDatabase())],
        ...['--bus', opts.backends.redis.url],
      ]
    : [];
  const started: RelayNode[] = [];
  const adminPorts: number[] = [];
  try {
    for (let i = 0; i < opts.nodes; i++) {
      const admin = await freeRun(workers);
      const port = workers > 1 ? await freePort() : 0;
      const args = [...shared, ...BENCH_FLAGS, '--admin-port', String(admin), '--port', String(port)];
      if (workers > 1) args.push('--workers', String(workers));
      started.push(await startRelayNode(args, {}, { listening: workers }));
      for (let w = 0; w < workers; w++) adminPorts.push(admin + w);
    }
  } catch (e) {
    await Promise.all(started.map((n) => n.kill()));
    throw e;
  }
  return {
    wsUrls: started.map((n) => `${n.url.replace(/^http/, 'ws').replace(/\/$/, '')}/ws`),
    httpUrl: started[0]!.url.replace(/\/$/, ''),
    pids: started.map((n) => n.pid),
    adminPorts,
    stop: async () => {
      await Promise.all(started.map((n) => n.stop()));
    },
  };
}

/** Sum over `ports` of the sample `series` (a metric name with its labels, as /metrics prints it). */
async function metricSum(ports: number[], series: string): Promise<number> {
  const esc = series.replace(/[{}"]/g, '\\$&');
  const re = new RegExp(`^${esc} (\\d+(?:\\.\\d+)?(?:e\\+\\d+)?)$`, 'm');
  let sum = 0;
  for (const p of ports) {
    const res = await fetch(`http://127.0.0.1:${p}/metrics`);
    const m = re.exec(await res.text());
    if (m) sum += Number(m[1]);
  }
  return sum;
}

/** Sum over `ports` of sealpeer_bus_routed_total{kind="send"} (frames routed to another node). */
export const routedSends = (ports: number[]): Promise<number> =>
  metricSum(ports, 'sealpeer_bus_routed_total{kind="send"}');

/** V8 heap in use, summed over the processes behind `ports` (prom-client's default metric). */
export const heapUsed = (ports: number[]): Promise<number> =>
  metricSum(ports, 'sealpeer_nodejs_heap_size_used_bytes');
