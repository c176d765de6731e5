// docs/operators/grafana-dashboard.json: every panel has a query, and every metric a query names is one
// the server exports (src/admin/metrics.ts, including the default process/Node.js metrics and a
// histogram's _bucket/_sum/_count series). A renamed metric breaks this test, not the operator's graphs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../src/admin/metrics.ts';

const file = join(fileURLToPath(import.meta.url), '../../../../docs/operators/grafana-dashboard.json');

interface Panel {
  title?: string;
  targets?: Array<{ expr?: unknown }>;
  panels?: Panel[];
}

function allPanels(ps: Panel[]): Panel[] {
  return ps.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

describe('Grafana dashboard', () => {
  it('queries only metrics the server exports, in every panel', async () => {
    const dash = JSON.parse(readFileSync(file, 'utf8')) as { panels: Panel[] };
    const exported = new Set<string>();
    for (const m of await createMetrics().registry.getMetricsAsJSON()) {
      exported.add(m.name);
      if (String(m.type) === 'histogram')
        for (const s of ['_bucket', '_sum', '_count']) exported.add(m.name + s);
    }
    const panels = allPanels(dash.panels).filter((p) => p.targets !== undefined || p.panels === undefined);
    console.log(`dashboard panels checked: ${panels.length}`);
    expect(panels.length).toBeGreaterThan(5);
    for (const p of panels) {
      const exprs = (p.targets ?? []).map((t) => t.expr);
      expect(exprs.length, `${p.title} has no query`).toBeGreaterThan(0);
      for (const expr of exprs) {
        expect(typeof expr, `${p.title}`).toBe('string');
        const names = (expr as string).match(/\bsealpeer_[a-z0-9_]+/g) ?? [];
        expect(names.length, `${p.title}: ${expr} names no sealpeer metric`).toBeGreaterThan(0);
        for (const n of names) expect(exported.has(n), `${p.title}: ${n} is not exported`).toBe(true);
      }
    }
  });
});
