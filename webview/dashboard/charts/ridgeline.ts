/**
 * Ridgeline of histograms: one filled curve per layer, stacked by depth (layer 0 at the bottom), so the change of a
 * distribution through the network reads at a glance. Heights are normalised per layer. Drawn by our plotter.
 */
import type { Histogram } from '../../../src/core/statisticsTypes';
import type { PlotLine } from '../../shared/plot/spec';
import { withAlpha } from '../../shared/theme';
import type { CardOptions } from './card';
import { PlotCard } from './plotCard';

/** Bin centres of a histogram. */
export function binCenters(h: Histogram): number[] {
  const w = (h.hi - h.lo) / Math.max(1, h.counts.length);
  return h.counts.map((_, i) => h.lo + (i + 0.5) * w);
}

/** Ridge heights: layer + overlap * count / (the layer's largest count). */
export function ridgeHeights(h: Histogram, layer: number, overlap: number): number[] {
  let max = 1;
  for (const c of h.counts) if (c > max) max = c;
  return h.counts.map((c) => layer + (overlap * c) / max);
}

export class RidgelineChart {
  readonly card: PlotCard;
  private overlap = 1.6;

  constructor(o: CardOptions) {
    // The tooltip gives the bin centre and its height relative to the layer's fullest bin.
    this.card = new PlotCard(o, (line, i) => {
      const layer = Number(line.label.replace('layer ', ''));
      const share = ((line.ys[i] as number) - layer) / this.overlap;
      return [
        line.label,
        `x = ${(line.xs[i] as number).toPrecision(3)}: ${Math.round(100 * share)} % of peak`,
      ];
    });
  }

  /** `histograms[i]` is hidden layer i's histogram; `overlap` > 1 lets ridges overlap their upper neighbours. */
  set(histograms: readonly Histogram[], color: string, xTitle: string, overlap = 1.6): void {
    this.overlap = overlap;
    const fill = withAlpha(color, 0.22);
    const n = histograms.length;
    // Deepest first, so each ridge is painted over the one above it that it overlaps.
    const lines: PlotLine[] = [];
    for (let layer = n - 1; layer >= 0; layer--) {
      const h = histograms[layer] as Histogram;
      lines.push({
        label: `layer ${layer}`,
        color,
        width: 1,
        xs: binCenters(h),
        ys: ridgeHeights(h, layer, overlap),
        fill: { base: layer, color: fill },
      });
    }
    this.card.draw({
      x: { title: xTitle },
      y: {
        title: 'hidden layer',
        min: 0,
        max: n + overlap,
        integer: true,
        format: (v) => (Number.isInteger(v) && v < n ? String(v) : ''),
      },
      lines,
    });
  }
}
