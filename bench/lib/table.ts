// Plain-text table of all sections' rows (what `npm run bench` prints).
import type { SectionResult } from './section.ts';

export function fmt(v: number | string): string {
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return Math.round(v).toLocaleString('en-US');
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

export function renderTable(sections: SectionResult[]): string {
  const lines: string[][] = [['section', 'metric', 'value', 'unit', 'note']];
  for (const s of sections) {
    for (const r of s.rows) lines.push([s.name, r.metric, fmt(r.value), r.unit ?? '', r.note ?? '']);
  }
  const widths = [0, 1, 2, 3].map((c) => Math.max(...lines.map((l) => (l[c] ?? '').length)));
  const out = lines.map((l) =>
    l
      .map((cell, c) => (c === 2 ? cell.padStart(widths[c]!) : c < 4 ? cell.padEnd(widths[c]!) : cell))
      .join(' | ')
      .trimEnd(),
  );
  out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('-|-') + '-|------');
  out.push('', `load average (1 min) at start/end of each section, 2 cores: ${loadLine(sections)}`);
  return out.join('\n');
}

function loadLine(sections: SectionResult[]): string {
  return sections.map((s) => `${s.name} ${s.load ? s.load.join('/') : '?'}`).join(', ');
}

/** The same rows as a Markdown table (pasted into docs/performance.md). */
export function renderMarkdown(sections: SectionResult[]): string {
  const out = ['| section | metric | value | unit | note |', '| --- | --- | ---: | --- | --- |'];
  for (const s of sections) {
    for (const r of s.rows) {
      const cells = [s.name, r.metric, fmt(r.value), r.unit ?? '', r.note ?? ''].map((c) =>
        c.replace(/\|/g, '\\|'),
      );
      out.push(`| ${cells.join(' | ')} |`);
    }
  }
  out.push('', `Load average (1 min) at start/end of each section, 2 cores: ${loadLine(sections)}.`);
  return out.join('\n');
}
