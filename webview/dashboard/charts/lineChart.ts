/**
 * Line chart over a numeric x axis (curves, statistics vs depth, gradient norm vs depth), with optional log y and
 * shaded reference bands / lines drawn by a small plugin (the target band of a self-normalising layer).
 */
import type { ChartDataset, Plugin, ScatterDataPoint } from 'chart.js';
import type { Theme } from '../../shared/theme';
import { withAlpha } from '../../shared/theme';
import type { CardOptions } from './card';
import { ChartCard } from './card';

export interface LineSeries {
  label: string;
  color: string;
  points: ScatterDataPoint[];
  dashed?: boolean;
  /** Line opacity (raw curves behind smoothed ones are faint). */
  alpha?: number;
  width?: number;
  /** Point radius (0 = no markers). */
  radius?: number;
  /** Hidden from the legend (raw twins of smoothed curves). */
  quiet?: boolean;
}

/** Horizontal reference bands [from, to] and lines, in y units. */
export interface Reference {
  bands?: { from: number; to: number; label?: string }[];
  lines?: number[];
}

const referencePlugin: Plugin<'line'> = {
  id: 'snnReference',
  beforeDatasetsDraw(chart, _args, options: Reference & { color?: string }) {
    const y = chart.scales.y;
    const area = chart.chartArea;
    if (!y || !options.color) return;
    const { ctx } = chart;
    ctx.save();
    for (const band of options.bands ?? []) {
      const top = Math.max(area.top, y.getPixelForValue(band.to));
      const bottom = Math.min(area.bottom, y.getPixelForValue(band.from));
      if (!(bottom > top)) continue;
      ctx.fillStyle = withAlpha(options.color, 0.13);
      ctx.fillRect(area.left, top, area.right - area.left, bottom - top);
    }
    ctx.strokeStyle = withAlpha(options.color, 0.8);
    ctx.setLineDash([4, 4]);
    for (const value of options.lines ?? []) {
      const py = y.getPixelForValue(value);
      if (py < area.top || py > area.bottom) continue;
      ctx.beginPath();
      ctx.moveTo(area.left, py);
      ctx.lineTo(area.right, py);
      ctx.stroke();
    }
    ctx.restore();
  },
};

export interface LineOptions {
  xTitle: string;
  yTitle: string;
  logY?: boolean;
  /** Integer ticks on x (layer indices). */
  integerX?: boolean;
  reference?: Reference;
  /** Show the legend (default true). */
  legend?: boolean;
}

export class LineChart {
  readonly card: ChartCard<'line'>;
  private readonly theme: Theme;

  constructor(o: CardOptions) {
    this.theme = o.theme;
    this.card = new ChartCard<'line'>(o, {
      type: 'line',
      data: { datasets: [] },
      options: {
        parsing: false,
        normalized: true,
        spanGaps: true,
        interaction: { mode: 'nearest', intersect: false },
        scales: { x: { type: 'linear' }, y: { type: 'linear' } },
        plugins: {
          legend: {
            labels: {
              boxWidth: 12,
              filter: (item, data) => !(data.datasets[item.datasetIndex ?? 0] as { quiet?: boolean }).quiet,
            },
          },
        },
      },
      plugins: [referencePlugin],
    });
  }

  /** The scale options last applied, as a key: they are rebuilt only when it changes. */
  private scalesKey = '';

  /**
   * Shows `series`. Dataset objects are kept and updated in place when the number of series is unchanged (a live
   * push moves the points, not the runs), so chart.js keeps its controllers and elements.
   */
  set(series: readonly LineSeries[], o: LineOptions): void {
    const chart = this.card.chart;
    const next = series.map((s): ChartDataset<'line'> & { quiet?: boolean } => ({
      label: s.label,
      data: s.points,
      borderColor: withAlpha(s.color, s.alpha ?? 1),
      backgroundColor: withAlpha(s.color, s.alpha ?? 1),
      borderWidth: s.width ?? 1.5,
      borderDash: s.dashed ? [6, 4] : [],
      pointRadius: s.radius ?? 0,
      pointHoverRadius: (s.radius ?? 0) + 2,
      fill: false,
      quiet: s.quiet ?? false,
    }));
    const current = chart.data.datasets;
    if (current.length === next.length) {
      next.forEach((d, i) => {
        const old = current[i] as ChartDataset<'line'> & { quiet?: boolean };
        for (const key of Object.keys(d) as (keyof typeof d)[]) {
          if (key === 'borderDash' ? String(old[key]) !== String(d[key]) : old[key] !== d[key]) {
            (old as unknown as Record<string, unknown>)[key] = d[key];
          }
        }
      });
    } else {
      chart.data.datasets = next;
    }
    const opts = chart.options;
    const key = JSON.stringify([o.xTitle, o.yTitle, o.logY ?? false, o.integerX ?? false]);
    if (key !== this.scalesKey) {
      this.scalesKey = key;
      opts.scales = {
        x: {
          type: 'linear',
          title: { display: true, text: o.xTitle },
          // Layer indices print as plain integers (the default formatter goes through Intl per tick).
          ticks: o.integerX ? { stepSize: 1, precision: 0, callback: (v) => String(v) } : {},
        },
        y: { type: o.logY ? 'logarithmic' : 'linear', title: { display: true, text: o.yTitle } },
      };
    }
    const plugins = opts.plugins as Record<string, unknown> & { legend: { display?: boolean } };
    plugins.snnReference = { ...(o.reference ?? {}), color: this.theme.reference };
    plugins.legend.display = o.legend ?? true;
    chart.update('none');
  }
}
