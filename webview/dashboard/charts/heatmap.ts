/**
 * Layer x step heatmap: variance on a diverging log2 scale centred on the target 1, or gradient norm on a
 * sequential log10 scale, so vanishing/exploding statistics show as colour gradients; a colour bar below names the
 * scale and a vertical marker shows the chosen step. The cells are one small
 * bitmap (a pixel per cell) scaled onto the axes of our canvas plotter: a chart element per cell cost ~100 ms
 * per update at 32 layers x 120 steps, a fillRect per cell ~10 ms.
 */
import { fromPixel, toPixel } from '../../shared/plot/scale';
import type { Theme } from '../../shared/theme';
import type { CardOptions } from './card';
import { PlotCard } from './plotCard';

export type HeatKind = 'variance' | 'gradNorm';

/** Colour of a value: variance -> log2 diverging (blue below 1, red above); gradNorm -> log10 sequential. */
export function heatColor(kind: HeatKind, v: number, range: [number, number]): string {
  if (!Number.isFinite(v) || v <= 0) return 'rgba(128, 128, 128, 0.35)';
  if (kind === 'variance') {
    // Full colour at a factor of 4 away from the target variance 1 (log2 = +-2).
    const t = Math.max(-1, Math.min(1, Math.log2(v) / 2));
    const hue = t < 0 ? 215 : 5;
    return `hsl(${hue} 75% ${Math.round(92 - 45 * Math.abs(t))}%)`;
  }
  const [lo, hi] = range;
  const t = hi > lo ? Math.max(0, Math.min(1, (Math.log10(v) - lo) / (hi - lo))) : 0.5;
  // A viridis-like ramp: hue from indigo (low) through teal to yellow (high).
  return `hsl(${Math.round(265 - 205 * t)} 70% ${Math.round(28 + 40 * t)}%)`;
}

/** hsl(h s% l%) -> [r, g, b] in 0..255 (CSS Color 4 §7.1 formula). */
export function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): number => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** The RGBA of a cell, matching {@link heatColor}. */
export function heatRgba(
  kind: HeatKind,
  v: number,
  range: [number, number],
): [number, number, number, number] {
  if (!Number.isFinite(v) || v <= 0) return [128, 128, 128, 90];
  if (kind === 'variance') {
    const t = Math.max(-1, Math.min(1, Math.log2(v) / 2));
    return [...hslToRgb(t < 0 ? 215 : 5, 0.75, (92 - 45 * Math.abs(t)) / 100), 255];
  }
  const [lo, hi] = range;
  const t = hi > lo ? Math.max(0, Math.min(1, (Math.log10(v) - lo) / (hi - lo))) : 0.5;
  return [...hslToRgb(265 - 205 * t, 0.7, (28 + 40 * t) / 100), 255];
}

interface Grid {
  kind: HeatKind;
  steps: number[];
  values: readonly (readonly number[])[];
  range: [number, number];
  /** One pixel per cell: x = step index, y = layer (top row = deepest layer). */
  bitmap: HTMLCanvasElement;
  cells: number;
}

/** Paints the cells into `bitmap` (reused across updates: a new canvas and context per push cost ~1 ms). */
function paintBitmap(
  grid: Omit<Grid, 'bitmap' | 'cells'>,
  layers: number,
  bitmap: HTMLCanvasElement,
): { bitmap: HTMLCanvasElement; cells: number } {
  const columns = Math.max(1, grid.values.length);
  if (bitmap.width !== columns) bitmap.width = columns;
  if (bitmap.height !== Math.max(1, layers)) bitmap.height = Math.max(1, layers);
  const ctx = bitmap.getContext('2d');
  let cells = 0;
  if (!ctx) return { bitmap, cells };
  const image = ctx.createImageData(columns, Math.max(1, layers));
  grid.values.forEach((column, x) => {
    column.forEach((v, layer) => {
      const offset = ((layers - 1 - layer) * columns + x) * 4;
      image.data.set(heatRgba(grid.kind, v, grid.range), offset);
      cells++;
    });
  });
  ctx.putImageData(image, 0, 0);
  return { bitmap, cells };
}

/** The colour bar's ticks: value text at a position 0..1 along the bar. */
export function colorBarTicks(kind: HeatKind, range: [number, number]): { at: number; text: string }[] {
  if (kind === 'variance') {
    return [
      { at: 0, text: '≤ 0.25' },
      { at: 0.25, text: '0.5' },
      { at: 0.5, text: '1 (target)' },
      { at: 0.75, text: '2' },
      { at: 1, text: '≥ 4' },
    ];
  }
  const [lo, hi] = range;
  const fmt = (e: number): string => (10 ** e).toPrecision(2);
  return [
    { at: 0, text: fmt(lo) },
    { at: 0.5, text: fmt((lo + hi) / 2) },
    { at: 1, text: fmt(hi) },
  ];
}

/** The value at position t (0..1) of the colour bar. */
function barValue(kind: HeatKind, t: number, range: [number, number]): number {
  return kind === 'variance' ? 2 ** (4 * t - 2) : 10 ** (range[0] + t * (range[1] - range[0]));
}

export class HeatmapChart {
  readonly card: PlotCard;
  private readonly readout: HTMLElement;
  private readonly bar = document.createElement('div');
  private readonly barCanvas = document.createElement('canvas');
  private readonly barTicks = document.createElement('div');
  private barKey = '';
  private readonly bitmap = document.createElement('canvas');
  private grid: Grid | undefined;

  private readonly theme: Theme;

  constructor(o: CardOptions) {
    this.theme = o.theme;
    this.card = new PlotCard(o);
    this.readout = document.createElement('div');
    this.readout.className = 'heat-readout';
    this.readout.setAttribute('aria-live', 'polite');
    this.bar.className = 'color-bar';
    this.barCanvas.width = 256;
    this.barCanvas.height = 1;
    this.barCanvas.setAttribute('aria-hidden', 'true');
    this.barTicks.className = 'color-bar-ticks';
    this.bar.append(this.barCanvas, this.barTicks);
    this.card.element.insertBefore(this.bar, this.card.element.querySelector('.chart-data'));
    this.card.element.append(this.readout);
    this.card.canvas.addEventListener('mousemove', (e) => this.hover(e.offsetX, e.offsetY));
  }

  private paintBar(kind: HeatKind, range: [number, number]): void {
    const key = `${kind}|${range.join(',')}`;
    if (key === this.barKey) return;
    this.barKey = key;
    const ctx = this.barCanvas.getContext('2d');
    if (ctx) {
      const image = ctx.createImageData(256, 1);
      for (let i = 0; i < 256; i++) {
        image.data.set(heatRgba(kind, barValue(kind, i / 255, range), range), i * 4);
      }
      ctx.putImageData(image, 0, 0);
    }
    const ticks = colorBarTicks(kind, range);
    this.bar.setAttribute('role', 'img');
    this.bar.setAttribute(
      'aria-label',
      `Colour scale of ${kind === 'variance' ? 'variance (log2, blue below the target 1, red above)' : 'gradient norm (log10)'}: ${ticks.map((t) => t.text).join(', ')}`,
    );
    this.barTicks.replaceChildren(
      ...ticks.map((t) => {
        const span = document.createElement('span');
        span.textContent = t.text;
        span.style.left = `${t.at * 100}%`;
        span.className = t.at === 0 ? 'first' : t.at === 1 ? 'last' : '';
        return span;
      }),
    );
  }

  /** `values[s][l]` is the value at steps[s], hidden layer l; `marker` is the chosen step (a vertical line). */
  set(
    kind: HeatKind,
    steps: readonly number[],
    values: readonly (readonly number[])[],
    marker?: number,
  ): void {
    let lo = Infinity;
    let hi = -Infinity;
    for (const column of values) {
      for (const v of column) {
        if (!(v > 0) || !Number.isFinite(v)) continue;
        const l = Math.log10(v);
        if (l < lo) lo = l;
        if (l > hi) hi = l;
      }
    }
    const stepList = [...steps];
    let layers = 1;
    for (const c of values) layers = Math.max(layers, c.length);
    const base = { kind, steps: stepList, values, range: (lo <= hi ? [lo, hi] : [0, 1]) as [number, number] };
    const grid: Grid = { ...base, ...paintBitmap(base, layers, this.bitmap) };
    this.grid = grid;
    this.paintBar(kind, grid.range);
    // The column of the chosen step: the last one at or before it.
    let markColumn = -1;
    if (marker !== undefined) {
      for (let i = 0; i < stepList.length && (stepList[i] as number) <= marker; i++) markColumn = i;
    }
    this.card.extra = { cells: grid.cells };
    const columns = Math.max(1, values.length);
    this.card.draw({
      // Cells are centred on integers: the axes run from -0.5 so they fill the plot edge to edge.
      x: {
        title: 'step',
        min: -0.5,
        max: columns - 0.5,
        integer: true,
        grid: false,
        format: (v) => String(stepList[v] ?? ''),
      },
      y: { title: 'hidden layer', min: -0.5, max: layers - 0.5, integer: true, grid: false },
      lines: [],
      under: (ctx, f) => {
        const left = toPixel(f.x, -0.5);
        const right = toPixel(f.x, columns - 0.5);
        const top = toPixel(f.y, layers - 0.5);
        const bottom = toPixel(f.y, -0.5);
        ctx.imageSmoothingEnabled = false;
        ctx.drawImage(grid.bitmap, left, top, right - left, bottom - top);
        ctx.imageSmoothingEnabled = true;
        if (markColumn >= 0) {
          const x = toPixel(f.x, markColumn);
          ctx.strokeStyle = this.theme.foreground;
          ctx.lineWidth = 2;
          ctx.setLineDash([4, 3]);
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, bottom);
          ctx.stroke();
          ctx.setLineDash([]);
        }
      },
    });
  }

  private hover(px: number, py: number): void {
    const grid = this.grid;
    const f = this.card.frame;
    if (!grid || !f) return;
    const i = Math.round(fromPixel(f.x, px));
    const layer = Math.round(fromPixel(f.y, py));
    const v = grid.values[i]?.[layer];
    this.readout.textContent =
      v === undefined
        ? ''
        : `layer ${layer}, step ${grid.steps[i]}: ${grid.kind} ${Number(v).toPrecision(4)}`;
  }
}
