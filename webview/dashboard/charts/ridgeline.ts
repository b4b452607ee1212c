/**
 * Ridgeline of histograms: one filled curve per layer, stacked by depth (layer 0 at the bottom), so the change of a
 * distribution through the network reads at a glance. Heights are normalised per layer.
 */
import type { ChartDataset } from 'chart.js';
import type { Histogram } from '../../../src/protocol/stats';
import { withAlpha } from '../../shared/theme';
import type { CardOptions } from './card';
import { ChartCard } from './card';

/** Bin centres of a histogram. */
export function binCenters(h: Histogram): number[] {
  const w = (h.hi - h.lo) / Math.max(1, h.counts.length);
  return h.counts.map((_, i) => h.lo + (i + 0.5) * w);
}

export class RidgelineChart {
  readonly card: ChartCard<'line'>;
  /** Layer count, x title and overlap of the applied scale options (rebuilt only when they change). */
  private scalesKey = '';

  constructor(o: CardOptions) {
    this.card = new ChartCard<'line'>(o, {
      type: 'line',
      data: { datasets: [] },
      options: {
        parsing: false,
        plugins: { legend: { display: false } },
        scales: { x: { type: 'linear' }, y: { type: 'linear' } },
      },
    });
  }

  /** `histograms[i]` is hidden layer i's histogram; `overlap` > 1 lets ridges overlap their upper neighbours. */
  set(histograms: readonly Histogram[], color: string, xTitle: string, overlap = 1.6): void {
    const datasets: ChartDataset<'line'>[] = histograms.map((h, layer) => {
      const max = Math.max(1, ...h.counts);
      const xs = binCenters(h);
      return {
        label: `layer ${layer}`,
        data: h.counts.map((c, i) => ({ x: xs[i] as number, y: layer + (overlap * c) / max })),
        borderColor: color,
        borderWidth: 1,
        backgroundColor: withAlpha(color, 0.22),
        pointRadius: 0,
        fill: { value: layer },
        order: layer,
      };
    });
    const chart = this.card.chart;
    this.card.setDatasets(datasets, (old, d) => old.borderColor !== d.borderColor);
    const key = `${histograms.length} ${xTitle} ${overlap}`;
    if (key === this.scalesKey) {
      chart.update('none');
      return;
    }
    this.scalesKey = key;
    chart.options.scales = {
      x: { type: 'linear', title: { display: true, text: xTitle } },
      y: {
        type: 'linear',
        min: 0,
        max: histograms.length + overlap,
        title: { display: true, text: 'hidden layer' },
        ticks: {
          stepSize: 1,
          callback: (value) =>
            Number.isInteger(value) && Number(value) < histograms.length ? String(value) : '',
        },
      },
    };
    chart.update('none');
  }
}
