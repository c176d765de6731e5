// The relay's cheap latency histogram (src/admin/latency-histogram.ts) must expose exactly what
// prom-client's Histogram exposes for the same observations: same text, byte for byte, and the same JSON;
// and the per-frame counter, kept in plain numbers, must expose every count at each scrape.
import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../src/admin/latency-histogram.ts';
import { createMetrics } from '../src/admin/metrics.ts';

const BOUNDS = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05];

function pair() {
  const [r1, r2] = [new Registry(), new Registry()];
  const ref = new Histogram({ name: 'x_seconds', help: 'latency', buckets: BOUNDS, registers: [r1] });
  const fast = new LatencyHistogram('x_seconds', 'latency', BOUNDS, r2);
  return { r1, r2, ref, fast };
}

describe('LatencyHistogram', () => {
  it('exposes the same text and JSON as prom-client for any observations (bounds included)', async () => {
    const value = fc.oneof(
      fc.constantFrom(0, ...BOUNDS, 0.1, 1),
      fc.double({ min: 0, max: 0.2, noNaN: true }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(value, { maxLength: 200 }), async (vs) => {
        const { r1, r2, ref, fast } = pair();
        for (const v of vs) {
          ref.observe(v);
          fast.observe(v);
        }
        expect(await r2.metrics()).toBe(await r1.metrics());
        expect(await r2.getMetricsAsJSON()).toEqual(await r1.getMetricsAsJSON());
      }),
      { numRuns: 100 },
    );
  });

  it('ignores a non-finite value and resets to zero', async () => {
    const { r2, fast } = pair();
    fast.observe(0.002);
    fast.observe(Number.NaN);
    fast.observe(Number.POSITIVE_INFINITY);
    expect(await r2.metrics()).toContain('x_seconds_count 1\n');
    fast.reset();
    expect(await r2.metrics()).toContain('x_seconds_count 0\n');
    expect(await r2.metrics()).toContain('x_seconds_bucket{le="+Inf"} 0\n');
  });

  it('is the server registry’s sealpeer_relay_latency_seconds', async () => {
    const m = createMetrics();
    m.relayLatency.observe(0.0002);
    const text = await m.registry.metrics();
    expect(text).toContain('# TYPE sealpeer_relay_latency_seconds histogram');
    expect(text).toContain('sealpeer_relay_latency_seconds_bucket{le="0.0005"} 1');
    expect(text).toContain('sealpeer_relay_latency_seconds_count 1');
  });
});

describe('sealpeer_frames_total (counted in plain numbers, exported at scrape)', () => {
  it('shows every accepted frame type with its count, and keeps counting after a scrape', async () => {
    const m = createMetrics();
    for (let i = 0; i < 3; i++) m.frame('send');
    m.frame('login');
    const first = await m.registry.metrics();
    expect(first).toContain('sealpeer_frames_total{type="send"} 3');
    expect(first).toContain('sealpeer_frames_total{type="login"} 1');
    m.frame('send');
    const second = await m.registry.metrics();
    expect(second).toContain('sealpeer_frames_total{type="send"} 4');
    expect(second).toContain('sealpeer_frames_total{type="login"} 1');
    const json = await m.registry.getMetricsAsJSON();
    const frames = json.find((x) => x.name === 'sealpeer_frames_total');
    expect(frames?.values.find((v) => v.labels.type === 'send')?.value).toBe(4);
  });
});
