/**
 * The same layer's histogram from several runs on one axis (density, so runs with different batch sizes compare),
 * with a ghost reference: N(0, 1) for pre-activations, and N(0, 1) pushed through SELU for activations. Drawn by our
 * canvas plotter.
 */
import { SELU_ALPHA, SELU_LAMBDA } from '../../../src/core/theory/constants';
import type { Histogram } from '../../../src/core/statisticsTypes';
import type { Theme } from '../../shared/theme';
import { withAlpha } from '../../shared/theme';
import type { CardOptions } from './card';
import type { PlotLine } from '../../shared/plot/spec';
import { PlotCard } from './plotCard';
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
  dash?: readonly number[];
  run?: string;
  histogram: Histogram;
}

export class HistogramOverlayChart {
  readonly card: PlotCard;
  private readonly theme: Theme;

  constructor(o: CardOptions) {
    this.theme = o.theme;
    this.card = new PlotCard(o);
  }

  /** `quantity` picks the reference: N(0, 1) for pre-activations, selu(N(0, 1)) for activations, none for W x + b. */
  set(series: readonly OverlaySeries[], quantity: 'pre' | 'post' | 'linear', xTitle: string): void {
    const lines: PlotLine[] = series.map((s) => ({
      label: s.label,
      color: s.color,
      width: 1.5,
      xs: binCenters(s.histogram),
      ys: density(s.histogram),
      stepped: true,
      ...(s.dash && s.dash.length > 0 ? { dash: [...s.dash] } : {}),
      ...(s.run ? { run: s.run } : {}),
      // Filled areas of more than two runs hide each other.
      ...(series.length <= 2 ? { fill: { base: 0, color: withAlpha(s.color, 0.15) } } : {}),
    }));
    const first = series[0]?.histogram;
    if (first && quantity !== 'linear') {
      const lo = first.lo;
      const hi = first.hi;
      const ref = quantity === 'pre' ? normalPdf : seluOfNormalPdf;
      const xs = Array.from({ length: 161 }, (_, i) => lo + ((hi - lo) * i) / 160);
      lines.push({
        label: quantity === 'pre' ? 'N(0, 1)' : 'selu(N(0, 1))',
        color: withAlpha(this.theme.reference, 0.9),
        dash: [5, 4],
        width: 1.5,
        xs,
        ys: xs.map(ref),
      });
    }
    this.card.draw({
      x: { title: xTitle },
      y: { title: 'density', min: 0 },
      lines,
      legend: true,
    });
  }
}
