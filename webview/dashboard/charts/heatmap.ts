/**
 * Layer x step heatmap: variance on a diverging log2 scale centred on the target 1, or gradient norm on a
 * sequential log10 scale, so vanishing/exploding statistics show as colour gradients. The cells are one small
 * bitmap (a pixel per cell) scaled onto empty axes by a plugin: a chart element per cell cost ~100 ms per update at
 * 32 layers x 120 steps, a fillRect per cell ~10 ms.
 */
import type { Chart, Plugin } from 'chart.js';
import type { CardOptions } from './card';
import { ChartCard } from './card';

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
function heatRgba(kind: HeatKind, v: number, range: [number, number]): [number, number, number, number] {
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

/** Cells painted at the last draw, per chart (read by the tests through the test hook). */
export const heatCells = new WeakMap<object, number>();
const grids = new WeakMap<Chart, Grid>();

const cellsPlugin: Plugin<'scatter'> = {
  id: 'snnHeat',
  beforeDatasetsDraw(chart) {
    const grid = grids.get(chart as unknown as Chart);
    const x = chart.scales.x;
    const y = chart.scales.y;
    if (!grid || !x || !y) return;
    const { ctx } = chart;
    const columns = Math.max(1, grid.values.length);
    const left = x.getPixelForValue(-0.5);
    const right = x.getPixelForValue(columns - 0.5);
    const top = y.getPixelForValue(grid.bitmap.height - 0.5);
    const bottom = y.getPixelForValue(-0.5);
    ctx.save();
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(grid.bitmap, left, top, right - left, bottom - top);
    ctx.restore();
    const painted = grid.cells;
    heatCells.set(chart, painted);
  },
};

/** About `max` evenly spaced integer ticks in [0, count). */
function integerTicks(count: number, max: number): { value: number }[] {
  const every = Math.max(1, Math.ceil(count / max));
  return Array.from({ length: Math.ceil(count / every) }, (_, i) => ({ value: i * every }));
}

export class HeatmapChart {
  readonly card: ChartCard<'scatter'>;
  private readonly readout: HTMLElement;
  private readonly bitmap = document.createElement('canvas');
  /** Steps of the columns shown (read by the tick callback, so the scale options are rebuilt only on resize). */
  private stepList: number[] = [];
  private scalesKey = '';

  constructor(o: CardOptions) {
    this.card = new ChartCard<'scatter'>(o, {
      type: 'scatter',
      data: { datasets: [] },
      options: {
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
        onHover: (event) => this.hover(event.x, event.y),
      },
      plugins: [cellsPlugin],
    });
    this.readout = document.createElement('div');
    this.readout.className = 'heat-readout';
    this.readout.setAttribute('aria-live', 'polite');
    this.card.element.append(this.readout);
  }

  /** `values[s][l]` is the value at steps[s], hidden layer l. */
  set(kind: HeatKind, steps: readonly number[], values: readonly (readonly number[])[]): void {
    const logs: number[] = [];
    for (const column of values) {
      for (const v of column) if (v > 0 && Number.isFinite(v)) logs.push(Math.log10(v));
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of logs) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const chart = this.card.chart;
    this.stepList = [...steps];
    const stepList = this.stepList;
    const layers = Math.max(1, ...values.map((c) => c.length));
    const base = {
      kind,
      steps: stepList,
      values,
      range: (logs.length > 0 ? [lo, hi] : [0, 1]) as [number, number],
    };
    grids.set(chart as unknown as Chart, { ...base, ...paintBitmap(base, layers, this.bitmap) });
    const key = `${stepList.length} ${layers}`;
    if (key === this.scalesKey) {
      chart.update('none');
      return;
    }
    this.scalesKey = key;
    chart.options.scales = {
      x: {
        type: 'linear',
        min: -0.5,
        max: Math.max(1, steps.length) - 0.5,
        title: { display: true, text: 'step' },
        // Ticks on cell centres (integers): the axis runs from -0.5 so cells fill it edge to edge.
        afterBuildTicks: (axis) => {
          axis.ticks = integerTicks(this.stepList.length, 8);
        },
        ticks: { callback: (value) => String(this.stepList[Number(value)] ?? '') },
        grid: { display: false },
      },
      y: {
        type: 'linear',
        min: -0.5,
        max: layers - 0.5,
        title: { display: true, text: 'hidden layer' },
        afterBuildTicks: (axis) => {
          axis.ticks = integerTicks(layers, 16);
        },
        grid: { display: false },
      },
    };
    chart.update('none');
  }

  private hover(px: number | null, py: number | null): void {
    const chart = this.card.chart;
    const grid = grids.get(chart as unknown as Chart);
    if (!grid || px === null || py === null) return;
    const i = Math.round(chart.scales.x?.getValueForPixel(px) ?? -1);
    const layer = Math.round(chart.scales.y?.getValueForPixel(py) ?? -1);
    const v = grid.values[i]?.[layer];
    this.readout.textContent =
      v === undefined
        ? ''
        : `layer ${layer}, step ${grid.steps[i]}: ${grid.kind} ${Number(v).toPrecision(4)}`;
  }
}
