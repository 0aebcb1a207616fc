/**
 * Inline SVG charts drawn at build time: horizontal stacked bars and columns over time.
 * No script, no fonts, no network; the numbers are also in a table beside every chart, so
 * a chart is never the only place a figure is read. Fills differ in lightness as well as
 * hue, and each series has a stroke pattern, so a greyscale print still tells them apart.
 */
import { html, type SafeHtml } from './html-template.js';

export interface Series {
  readonly key: string;
  readonly label: string;
  /** A CSS class of the report's stylesheet: s1 … s5. */
  readonly tone: string;
}

export interface BarRow {
  readonly label: string;
  readonly values: Readonly<Record<string, number>>;
}

const W = 680;
const LABEL_W = 210;
const ROW_H = 22;
const BAR_H = 15;

const fmt = (x: number): string => x.toLocaleString('en-US');

const legend = (series: readonly Series[], y: number): SafeHtml[] => {
  let x = LABEL_W;
  return series.map((s) => {
    const at = x;
    x += 26 + s.label.length * 7;
    return html`<g class="legend"><rect class="${s.tone}" x="${at}" y="${y}" width="12" height="12"/><text x="${at + 16}" y="${y + 10}">${s.label}</text></g>`;
  });
};

const clip = (s: string, n: number): string => (s.length > n ? s.slice(0, n - 1) + '…' : s);

/** One bar a row, segments stacked in series order; the total is written at the bar's end. */
export const stackedBars = (title: string, series: readonly Series[], rows: readonly BarRow[]): SafeHtml => {
  if (rows.length === 0) return html`<p class="empty">None.</p>`;
  const totals = rows.map((r) => series.reduce((k, s) => k + (r.values[s.key] ?? 0), 0));
  const max = totals.reduce((m, t) => Math.max(m, t), 1);
  const scale = (W - LABEL_W - 70) / max;
  const h = rows.length * ROW_H + 34;
  const bars = rows.map((r, i) => {
    const y = i * ROW_H + 4;
    let x = LABEL_W;
    const segs = series.map((s) => {
      const v = r.values[s.key] ?? 0;
      const w = v * scale;
      const seg = v > 0 ? html`<rect class="${s.tone}" x="${x.toFixed(1)}" y="${y}" width="${Math.max(w, 1).toFixed(1)}" height="${BAR_H}"><title>${r.label}: ${s.label} ${fmt(v)}</title></rect>` : html``;
      x += w;
      return seg;
    });
    return html`<g><text class="label" x="${LABEL_W - 6}" y="${y + 12}" text-anchor="end">${clip(r.label, 30)}</text>${segs}<text class="total" x="${(x + 4).toFixed(1)}" y="${y + 12}">${fmt(totals[i]!)}</text></g>`;
  });
  return html`<svg class="chart" role="img" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" xmlns="http://www.w3.org/2000/svg"><title>${title}</title>${bars}${legend(series, rows.length * ROW_H + 14)}</svg>`;
};

export interface Column {
  readonly label: string;
  readonly value: number;
}

/** Columns in order (days or weeks), a label under every few, the largest value on the axis. */
export const columns = (title: string, cols: readonly Column[], tone = 's4'): SafeHtml => {
  if (cols.length === 0) return html`<p class="empty">None.</p>`;
  const max = cols.reduce((m, c) => Math.max(m, c.value), 1);
  const plotH = 120;
  const left = 40;
  const step = (W - left - 10) / cols.length;
  const every = Math.max(1, Math.ceil(cols.length / 10));
  const bars = cols.map((c, i) => {
    const bh = (c.value / max) * plotH;
    const x = left + i * step;
    return html`<rect class="${tone}" x="${(x + 1).toFixed(1)}" y="${(10 + plotH - bh).toFixed(1)}" width="${Math.max(step - 2, 1).toFixed(1)}" height="${bh.toFixed(1)}"><title>${c.label}: ${fmt(c.value)}</title></rect>${
      i % every === 0 ? html`<text class="tick" x="${x.toFixed(1)}" y="${plotH + 26}">${c.label}</text>` : ''
    }`;
  });
  const h = plotH + 34;
  return html`<svg class="chart" role="img" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" xmlns="http://www.w3.org/2000/svg"><title>${title}</title><line class="axis" x1="${left}" y1="${10 + plotH}" x2="${W - 10}" y2="${10 + plotH}"/><text class="tick" x="${left - 4}" y="16" text-anchor="end">${fmt(max)}</text><text class="tick" x="${left - 4}" y="${10 + plotH}" text-anchor="end">0</text>${bars}</svg>`;
};

const DAY = 86_400_000;

/**
 * Counts per UTC day between the first and last instant (per week when that spans more
 * than 120 days), empty days included, so a gap shows as a gap.
 */
export const perDay = (instants: readonly string[]): Column[] => {
  if (instants.length === 0) return [];
  const days = instants.map((s) => Math.floor(Date.parse(s) / DAY));
  let first = days[0]!;
  let last = first;
  for (const d of days) {
    if (d < first) first = d;
    if (d > last) last = d;
  }
  const width = last - first > 120 ? 7 : 1;
  const counts = new Array<number>(Math.floor((last - first) / width) + 1).fill(0);
  for (const d of days) counts[Math.floor((d - first) / width)]!++;
  return counts.map((value, i) => ({ label: new Date((first + i * width) * DAY).toISOString().slice(0, 10), value }));
};
