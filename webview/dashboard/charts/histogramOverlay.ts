/**
 * The same layer's histogram from several runs on one axis (density, so runs with different batch sizes compare),
 * with a ghost reference: N(0, 1) for pre-activations, and N(0, 1) pushed through SELU for activations.
 */
import type { ChartDataset } from 'chart.js';
import { SELU_ALPHA, SELU_LAMBDA } from '../../../src/core/theory/constants';
import type { Histogram } from '../../../src/protocol/stats';
import type { Theme } from '../../shared/theme';
import { withAlpha } from '../../shared/theme';
import type { CardOptions } from './card';
import { ChartCard } from './card';
import { binCenters } from './ridgeline';

const normalPdf = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

/**
 * Density of selu(z) for z ~ N(0, 1) at y (change of variables; the paper's alpha01, lambda01): phi(y/lambda)/lambda
 * for y > 0, phi(x)/(y + lambda*alpha) with x = ln(1 + y/(lambda*alpha)) for -lambda*alpha < y < 0.
 */
export function seluOfNormalPdf(y: number): number {
  const la = SELU_LAMBDA * SELU_ALPHA;
  if (y > 0) return normalPdf(y / SELU_LAMBDA) / SELU_LAMBDA;
  if (y <= -la) return 0;
  return normalPdf(Math.log(1 + y / la)) / (y + la);
}

/** Counts as a density: count / (all samples * bin width); under/overflow count towards the total. */
export function density(h: Histogram): number[] {
  const total = h.counts.reduce((a, b) => a + b, 0) + h.under + h.over;
  const w = (h.hi - h.lo) / Math.max(1, h.counts.length);
  return h.counts.map((c) => (total > 0 ? c / (total * w) : 0));
}

export interface OverlaySeries {
  label: string;
  color: string;
  histogram: Histogram;
}

export class HistogramOverlayChart {
  readonly card: ChartCard<'line'>;
  private readonly theme: Theme;

  constructor(o: CardOptions) {
    this.theme = o.theme;
    this.card = new ChartCard<'line'>(o, {
      type: 'line',
      data: { datasets: [] },
      options: { parsing: false, interaction: { mode: 'nearest', intersect: false } },
    });
  }

  set(series: readonly OverlaySeries[], quantity: 'pre' | 'post', xTitle: string): void {
    const datasets: ChartDataset<'line'>[] = series.map((s) => {
      const xs = binCenters(s.histogram);
      const ys = density(s.histogram);
      return {
        label: s.label,
        data: xs.map((x, i) => ({ x, y: ys[i] as number })),
        borderColor: s.color,
        backgroundColor: withAlpha(s.color, 0.15),
        borderWidth: 1.5,
        pointRadius: 0,
        stepped: 'middle',
        // Filled areas of more than two runs hide each other (and cost a filler pass each).
        fill: series.length <= 2 ? 'origin' : false,
      };
    });
    const first = series[0]?.histogram;
    if (first) {
      const lo = first.lo;
      const hi = first.hi;
      const ref = quantity === 'pre' ? normalPdf : seluOfNormalPdf;
      const xs = Array.from({ length: 161 }, (_, i) => lo + ((hi - lo) * i) / 160);
      datasets.push({
        label: quantity === 'pre' ? 'N(0, 1)' : 'selu(N(0, 1))',
        data: xs.map((x) => ({ x, y: ref(x) })),
        borderColor: withAlpha(this.theme.reference, 0.9),
        borderDash: [5, 4],
        borderWidth: 1.5,
        pointRadius: 0,
        fill: false,
      });
    }
    const chart = this.card.chart;
    chart.data.datasets = datasets;
    const legend = (chart.options.plugins as { legend: { display?: boolean } }).legend;
    legend.display = series.length <= 6;
    chart.options.scales = {
      x: { type: 'linear', title: { display: true, text: xTitle } },
      y: { type: 'linear', min: 0, title: { display: true, text: 'density' } },
    };
    chart.update('none');
  }
}
