/**
 * The per-layer series the Layers and Distributions tabs can show ("Values"): activations, pre-activations (the
 * input of f, after any normalisation) and, for runs that normalise, W x + b before the normalisation. Pure helpers
 * that pick a series out of a layer record or a histogram frame.
 */
import type { Histogram } from '../../src/core/statisticsTypes';
import type { HistogramFrame, LayerPoint, Moments } from '../../src/protocol/webview';
import type { RunView } from '../shared/store';
import type { Quantity } from './uiState';

/** The Values choice's labels. */
export const QUANTITY_LABELS: Record<Quantity, string> = {
  post: 'activations (after f)',
  pre: 'pre-activations (input to f, after any norm)',
  linear: 'Wx + b (before norm)',
};

/** How chart titles name each series. */
export const QUANTITY_NAMES: Record<Quantity, string> = {
  post: 'activations',
  pre: 'pre-activations',
  linear: 'Wx + b (before norm)',
};

/** A layer's moments of the series, or undefined when the layer has none (W x + b of a layer without a norm). */
export function momentsOf(layer: LayerPoint, q: Quantity): Moments | undefined {
  return q === 'linear' ? layer.linear : layer[q];
}

/** A statistic of the series (NaN when the layer does not have the series). */
export function statOf(layer: LayerPoint, q: Quantity, key: 'mean' | 'variance'): number {
  return momentsOf(layer, q)?.[key] ?? Number.NaN;
}

/** The histograms of the series by layer (undefined for a layer without it). */
export function histogramsOf(frame: HistogramFrame | undefined, q: Quantity): (Histogram | undefined)[] {
  if (!frame) return [];
  if (q !== 'linear') return frame[q];
  return (frame.linear ?? []).map((h) => h ?? undefined);
}

/** Whether a run recorded W x + b before a normalisation (its newest frame has the series). */
export function hasLinear(run: RunView): boolean {
  return run.frames.at(-1)?.layers.some((l) => l.linear !== undefined) ?? false;
}

/** The series to draw: the chosen one, or pre-activations when no compared run has W x + b before a norm. */
export function effectiveQuantity(chosen: Quantity, runs: readonly RunView[]): Quantity {
  return chosen === 'linear' && !runs.some(hasLinear) ? 'pre' : chosen;
}
