/**
 * Layer x step heatmap (chartjs-chart-matrix): variance on a diverging log2 scale centred on the target 1, or
 * gradient norm on a sequential log10 scale, so vanishing/exploding statistics show as colour gradients.
 */
import type { ScriptableContext } from 'chart.js';
import type { CardOptions } from './card';
import { ChartCard } from './card';

export type HeatKind = 'variance' | 'gradNorm';

interface Cell {
  x: number;
  y: number;
  v: number;
}

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

export class HeatmapChart {
  readonly card: ChartCard<'matrix'>;
  private kind: HeatKind = 'variance';
  private range: [number, number] = [0, 1];
  private steps: number[] = [];
  private layers = 1;

  constructor(o: CardOptions) {
    this.card = new ChartCard<'matrix'>(o, {
      type: 'matrix',
      data: { datasets: [] },
      options: {
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: () => '',
              label: (c) => {
                const cell = c.raw as Cell;
                return `layer ${cell.y}, step ${this.steps[cell.x] ?? cell.x}: ${this.kind} ${cell.v.toPrecision(4)}`;
              },
            },
          },
        },
      },
    });
  }

  /** `values[s][l]` is the value at steps[s], hidden layer l. */
  set(kind: HeatKind, steps: readonly number[], values: readonly (readonly number[])[]): void {
    this.kind = kind;
    this.steps = [...steps];
    this.layers = Math.max(1, ...values.map((row) => row.length));
    const data: Cell[] = [];
    values.forEach((row, x) => row.forEach((v, y) => data.push({ x, y, v })));
    const logs = data.filter((c) => c.v > 0 && Number.isFinite(c.v)).map((c) => Math.log10(c.v));
    this.range = logs.length > 0 ? [Math.min(...logs), Math.max(...logs)] : [0, 1];
    const nx = Math.max(1, steps.length);
    const ny = this.layers;
    const chart = this.card.chart;
    chart.data.datasets = [
      {
        label: kind,
        data,
        backgroundColor: (c: ScriptableContext<'matrix'>) =>
          heatColor(this.kind, (c.raw as Cell).v, this.range),
        borderWidth: 0,
        width: ({ chart: ch }) => Math.max(1, (ch.chartArea?.width ?? 0) / nx),
        height: ({ chart: ch }) => Math.max(1, (ch.chartArea?.height ?? 0) / ny),
      },
    ];
    chart.options.scales = {
      x: {
        type: 'linear',
        min: -0.5,
        max: nx - 0.5,
        offset: false,
        title: { display: true, text: 'step' },
        ticks: { callback: (value) => String(this.steps[Math.round(Number(value))] ?? '') },
        grid: { display: false },
      },
      y: {
        type: 'linear',
        min: -0.5,
        max: ny - 0.5,
        offset: false,
        reverse: false,
        title: { display: true, text: 'hidden layer' },
        ticks: { stepSize: 1, callback: (value) => (Number.isInteger(value) ? String(value) : '') },
        grid: { display: false },
      },
    };
    chart.update('none');
  }
}
