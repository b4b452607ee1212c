/**
 * Layer x step heatmap: variance on a diverging log2 scale centred on the target 1, or gradient norm on a
 * sequential log10 scale, so vanishing/exploding statistics show as colour gradients. Cells are painted by a plugin
 * on empty axes (one fillRect each): a chart element per cell cost ~100 ms per update at 32 layers x 120 steps.
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

interface Grid {
  kind: HeatKind;
  steps: number[];
  values: readonly (readonly number[])[];
  range: [number, number];
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
    let painted = 0;
    ctx.save();
    grid.values.forEach((column, i) => {
      const left = x.getPixelForValue(i - 0.5);
      const right = x.getPixelForValue(i + 0.5);
      column.forEach((v, layer) => {
        const top = y.getPixelForValue(layer + 0.5);
        const bottom = y.getPixelForValue(layer - 0.5);
        ctx.fillStyle = heatColor(grid.kind, v, grid.range);
        // +0.5 px overlap hides hairline seams between neighbouring cells.
        ctx.fillRect(left, top, right - left + 0.5, bottom - top + 0.5);
        painted++;
      });
    });
    ctx.restore();
    heatCells.set(chart, painted);
  },
};

export class HeatmapChart {
  readonly card: ChartCard<'scatter'>;
  private readonly readout: HTMLElement;

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
    for (const column of values)
      {for (const v of column) if (v > 0 && Number.isFinite(v)) logs.push(Math.log10(v));}
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of logs) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const chart = this.card.chart;
    const stepList = [...steps];
    grids.set(chart as unknown as Chart, {
      kind,
      steps: stepList,
      values,
      range: logs.length > 0 ? [lo, hi] : [0, 1],
    });
    const layers = Math.max(1, ...values.map((c) => c.length));
    chart.options.scales = {
      x: {
        type: 'linear',
        min: -0.5,
        max: Math.max(1, steps.length) - 0.5,
        title: { display: true, text: 'step' },
        ticks: {
          callback: (value) => (Number.isInteger(value) ? String(stepList[Number(value)] ?? '') : ''),
        },
        grid: { display: false },
      },
      y: {
        type: 'linear',
        min: -0.5,
        max: layers - 0.5,
        title: { display: true, text: 'hidden layer' },
        ticks: { stepSize: 1, callback: (value) => (Number.isInteger(value) ? String(value) : '') },
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
