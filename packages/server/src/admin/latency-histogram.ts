// A Prometheus histogram for the relay's per-message latency, cheap enough to observe on every relayed
// frame: observe() is a bucket search over a few numbers and three additions, where prom-client's
// Histogram.observe() validates and hashes a label set per call (about 4% of the relay's CPU per
// message under sparse traffic, docs/performance.md). It registers in a prom-client Registry like any
// metric and is exported in the same text format at scrape time (name_bucket{le}, name_sum, name_count).
import type { Registry } from 'prom-client';

interface MetricValue {
  value: number;
  /** prom-client's buckets carry `exemplar: null` when exemplars are off. */
  exemplar?: null;
  labels: Record<string, string | number>;
  metricName: string;
}

export class LatencyHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  /** Observations per bucket (not cumulative); the last slot is above the largest bound (+Inf). */
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    this.counts = new Float64Array(bounds.length + 1);
    // prom-client's registry takes any object with name, help, type, get() and reset().
    registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** Records one value (seconds); a non-finite one is ignored (prom-client would throw). */
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    this.counts[i]! += 1;
    this.sum += value;
    this.count += 1;
  }

  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: MetricValue[];
  }> {
    const values: MetricValue[] = [];
    let acc = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      acc += this.counts[i]!;
      const le = this.bounds[i]!;
      values.push({ value: acc, labels: { le }, metricName: `${this.name}_bucket`, exemplar: null });
    }
    values.push({
      value: this.count,
      labels: { le: '+Inf' },
      metricName: `${this.name}_bucket`,
      exemplar: null,
    });
    values.push({ value: this.sum, labels: {}, metricName: `${this.name}_sum` });
    values.push({ value: this.count, labels: {}, metricName: `${this.name}_count` });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}
