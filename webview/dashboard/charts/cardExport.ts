/**
 * What a chart card offers besides its canvas: the PNG export (at least 2x device pixels, on an opaque theme
 * background, with the title and subtitle drawn above the plot) and the chart's data as an accessible table and a
 * one-sentence description for screen readers.
 */
import type { PlotLine } from '../../shared/plot/spec';
import type { Theme } from '../../shared/theme';
import { drawLegend, type LegendEntry } from './plotLegend';

/** Splits `text` into lines no wider than `width` px in the context's font. */
function wrap(ctx: CanvasRenderingContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(next).width > width) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** What a PNG export draws: the plot's CSS size, the titles, the legend entries and the plot itself. */
export interface PngSource {
  width: number;
  height: number;
  theme: Theme;
  title: string;
  subtitle: string;
  legend: readonly LegendEntry[];
  hidden: ReadonlySet<string>;
  /** Lays out and paints the plot in a `width` x `height` CSS px box at the context's origin. */
  plot: (ctx: CanvasRenderingContext2D, width: number, height: number) => void;
}

/**
 * The chart as a PNG data URL at `scale` = max(2, devicePixelRatio) device pixels per CSS pixel: the wrapped title
 * and subtitle, the legend's entries, then the plot laid out and painted again at that scale, on the theme's
 * background.
 */
export function exportPng(o: PngSource): string {
  const scale = Math.max(2, window.devicePixelRatio || 1);
  const { width, theme } = o;
  const out = document.createElement('canvas');
  const ctx = out.getContext('2d');
  if (!ctx) return '';
  const pad = 8;
  const fs = theme.fontSize + 1;
  const sub = Math.max(10, theme.fontSize - 1);
  ctx.font = `600 ${fs}px ${theme.fontFamily}`;
  const titleLines = wrap(ctx, o.title, width - 2 * pad);
  ctx.font = `${sub}px ${theme.fontFamily}`;
  const subLines = o.subtitle ? wrap(ctx, o.subtitle, width - 2 * pad) : [];
  const head = pad + titleLines.length * fs * 1.3 + subLines.length * sub * 1.3 + pad / 2;
  const legend = drawLegend(ctx, o.legend, o.hidden, theme, pad, 0, width - 2 * pad, false);
  out.width = Math.round(width * scale);
  out.height = Math.round((head + legend + o.height + pad) * scale);
  // Resizing reset the context: draw in CSS pixels from here on.
  ctx.scale(scale, scale);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.textBaseline = 'top';
  let y = pad;
  ctx.fillStyle = theme.foreground;
  ctx.font = `600 ${fs}px ${theme.fontFamily}`;
  for (const l of titleLines) {
    ctx.fillText(l, pad, y);
    y += fs * 1.3;
  }
  ctx.fillStyle = theme.muted;
  ctx.font = `${sub}px ${theme.fontFamily}`;
  for (const l of subLines) {
    ctx.fillText(l, pad, y);
    y += sub * 1.3;
  }
  drawLegend(ctx, o.legend, o.hidden, theme, pad, head, width - 2 * pad);
  ctx.translate(0, head + legend);
  o.plot(ctx, width, o.height);
  return out.toDataURL('image/png');
}

const num = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v));

/** Per series: points, x range, last value, smallest and largest value (finite values only). */
export function seriesSummary(line: PlotLine): {
  points: number;
  x: string;
  last: string;
  min: string;
  max: string;
} {
  let lo = Infinity;
  let hi = -Infinity;
  let last = NaN;
  let lastX = NaN;
  let firstX = NaN;
  const n = Math.min(line.xs.length, line.ys.length);
  for (let i = 0; i < n; i++) {
    const y = line.ys[i] as number;
    const x = line.xs[i] as number;
    if (!Number.isFinite(y)) continue;
    if (Number.isNaN(firstX)) firstX = x;
    lastX = x;
    last = y;
    if (y < lo) lo = y;
    if (y > hi) hi = y;
  }
  return {
    points: n,
    x: n === 0 ? '—' : `${num(firstX)} – ${num(lastX)}`,
    last: n === 0 ? '—' : `${num(last)} at ${num(lastX)}`,
    min: lo <= hi ? num(lo) : '—',
    max: lo <= hi ? num(hi) : '—',
  };
}

/** The data table of the drawn series (x axis title, y axis title for the header). */
export function dataTable(lines: readonly PlotLine[], xTitle: string, yTitle: string): HTMLTableElement {
  const table = document.createElement('table');
  table.className = 'data-table';
  const head = document.createElement('tr');
  for (const h of ['series', 'points', `${xTitle || 'x'} range`, `last ${yTitle || 'value'}`, 'min', 'max']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    head.append(th);
  }
  const thead = document.createElement('thead');
  thead.append(head);
  const body = document.createElement('tbody');
  for (const line of lines) {
    const s = seriesSummary(line);
    const tr = document.createElement('tr');
    const name = document.createElement('th');
    name.scope = 'row';
    name.textContent = line.label;
    tr.append(name);
    for (const v of [String(s.points), s.x, s.last, s.min, s.max]) {
      const td = document.createElement('td');
      td.textContent = v;
      tr.append(td);
    }
    body.append(tr);
  }
  table.append(thead, body);
  return table;
}

/** One sentence on what is drawn, for the canvas's accessible description. */
export function describe(lines: readonly PlotLine[], xTitle: string, yTitle: string, extra = ''): string {
  if (lines.length === 0) return `No data drawn.${extra ? ` ${extra}` : ''}`;
  const parts = lines.slice(0, 8).map((l) => `${l.label}: last ${seriesSummary(l).last}`);
  const more = lines.length > 8 ? `, and ${lines.length - 8} more` : '';
  return `${lines.length} series of ${yTitle || 'values'} against ${xTitle || 'x'}. ${parts.join('; ')}${more}. Open "Data" below for a table.${extra ? ` ${extra}` : ''}`;
}
