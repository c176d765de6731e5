// A small SVG chart writer for the bench (no dependencies): a line chart (p99 against offered load per
// relay, log y axis) and a bar chart (msgs/s against nodes). Plain SVG 1.1 text, readable on GitHub.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const W = 640;
const H = 360;
const M = { left: 64, right: 150, top: 40, bottom: 52 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v: number): string => (Math.round(v * 10) / 10).toString();

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${num(x)}" y="${num(y)}" ${attrs}>${esc(s)}</text>`;
}

function frame(title: string, subtitle: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    text(M.left, 18, title, 'font-size="15" font-weight="bold"'),
    text(M.left, 33, subtitle, 'font-size="11" fill="#555"'),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** Round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, n = 5): number[] {
  const span = hi - lo || 1;
  const step0 = span / n;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((s) => s >= step0) ?? mag * 10;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(v);
  return out;
}

const short = (v: number): string =>
  v >= 1000 ? `${num(v / 1000)}k` : v >= 1 || v === 0 ? num(v) : v.toPrecision(2);

/** Horizontal grid lines with their values, and the rotated y-axis label. */
function yAxis(values: number[], Y: (y: number) => number, pw: number, ph: number, label: string): string[] {
  const out: string[] = [];
  for (const t of values) {
    const y = num(Y(t));
    out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(text(M.left - 6, Y(t) + 4, short(t), 'text-anchor="end"'));
  }
  const mid = M.top + ph / 2;
  out.push(text(16, mid, label, `text-anchor="middle" transform="rotate(-90 16 ${num(mid)})"`));
  return out;
}

export interface Series {
  name: string;
  points: [number, number][];
}

/** Lines through each series' points; `yLog` for latencies; `hLine` marks a target. */
export function lineChart(o: {
  title: string;
  subtitle: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  yLog?: boolean;
  hLine?: { y: number; label: string };
}): string {
  const pts = o.series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...pts.map((p) => p[0]));
  const ys = pts.map((p) => p[1]).filter((y) => y > 0);
  const yMinRaw = o.yLog ? Math.min(...ys, o.hLine?.y ?? Infinity) : 0;
  const yMaxRaw = Math.max(...ys, o.hLine?.y ?? 0, 1e-3);
  const lo = o.yLog ? 10 ** Math.floor(Math.log10(yMinRaw)) : 0;
  const hi = o.yLog ? 10 ** Math.ceil(Math.log10(yMaxRaw)) : yMaxRaw * 1.1;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const X = (x: number) => M.left + (x / xMax) * pw;
  const Y = (y: number) =>
    o.yLog
      ? M.top + ph - ((Math.log10(Math.max(y, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * ph
      : M.top + ph - (y / hi) * ph;
  const body: string[] = [];
  const yTicks = o.yLog
    ? Array.from({ length: Math.round(Math.log10(hi / lo)) + 1 }, (_, i) => lo * 10 ** i)
    : ticks(0, hi);
  body.push(...yAxis(yTicks, Y, pw, ph, o.yLabel));
  for (const t of ticks(0, xMax)) body.push(text(X(t), M.top + ph + 16, short(t), 'text-anchor="middle"'));
  body.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  body.push(text(M.left + pw / 2, H - 12, o.xLabel, 'text-anchor="middle"'));
  if (o.hLine) {
    const y = num(Y(o.hLine.y));
    body.push(
      `<line x1="${M.left}" x2="${M.left + pw}" y1="${y}" y2="${y}" stroke="#000" stroke-dasharray="5 4"/>`,
    );
    body.push(text(M.left + pw - 4, Y(o.hLine.y) - 5, o.hLine.label, 'text-anchor="end" fill="#000"'));
  }
  o.series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length];
    const d = s.points.map((p, k) => `${k ? 'L' : 'M'}${num(X(p[0]))},${num(Y(p[1]))}`).join(' ');
    body.push(`<path d="${d}" fill="none" stroke="${c}" stroke-width="2"/>`);
    for (const p of s.points)
      body.push(`<circle cx="${num(X(p[0]))}" cy="${num(Y(p[1]))}" r="3" fill="${c}"/>`);
    const ly = M.top + 14 + i * 18;
    body.push(
      `<line x1="${W - M.right + 12}" x2="${W - M.right + 32}" y1="${ly - 4}" y2="${ly - 4}" stroke="${c}" stroke-width="2"/>`,
    );
    body.push(text(W - M.right + 38, ly, s.name));
  });
  return frame(o.title, o.subtitle, body);
}

/** One bar per entry, its value printed on top. */
export function barChart(o: {
  title: string;
  subtitle: string;
  yLabel: string;
  bars: { label: string; value: number; note?: string }[];
}): string {
  const pw = W - M.left - 24;
  const ph = H - M.top - M.bottom;
  const hi = Math.max(1, ...o.bars.map((b) => b.value)) * 1.15;
  const Y = (y: number) => M.top + ph - (y / hi) * ph;
  const body: string[] = [];
  body.push(...yAxis(ticks(0, hi), Y, pw, ph, o.yLabel));
  const slot = pw / Math.max(1, o.bars.length);
  o.bars.forEach((b, i) => {
    const x = M.left + i * slot + slot * 0.2;
    const bw = slot * 0.6;
    body.push(
      `<rect x="${num(x)}" y="${num(Y(b.value))}" width="${num(bw)}" height="${num(M.top + ph - Y(b.value))}" fill="${COLORS[0]}"/>`,
    );
    body.push(text(x + bw / 2, Y(b.value) - 5, short(Math.round(b.value)), 'text-anchor="middle"'));
    body.push(text(x + bw / 2, M.top + ph + 16, b.label, 'text-anchor="middle"'));
    if (b.note)
      body.push(text(x + bw / 2, M.top + ph + 30, b.note, 'text-anchor="middle" font-size="10" fill="#555"'));
  });
  body.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${M.top + ph}" y2="${M.top + ph}" stroke="#999"/>`);
  return frame(o.title, o.subtitle, body);
}

/** Where the bench writes its charts (docs/performance.md shows them). */
export const CHART_DIR = new URL('../../docs/img/', import.meta.url);

export function writeChart(name: string, svg: string): string {
  const url = new URL(name, CHART_DIR);
  mkdirSync(dirname(url.pathname), { recursive: true });
  writeFileSync(url, svg);
  return `docs/img/${name}`;
}
