/**
 * Per-layer statistics of a group averaged over its runs at each reporting step: the mean has the shape of one
 * run's record (so every Layers/Distributions chart can draw a group as if it were a run), the spread holds the
 * standard deviation over runs of each scalar. Steps align exactly (every run reports at step 0 and every
 * stats.everySteps steps).
 */
import type { Distribution, Histogram, WeightStats } from '../statisticsTypes';
import { meanAndSquares } from './describe';

/**
 * A Distribution whose histogram may be absent: the dashboard holds a run's histograms apart from its statistics
 * frames (at fewer steps), so its layer records have none.
 */
export type DistributionLike = Omit<Distribution, 'histogram'> & { histogram?: Histogram };

/**
 * One hidden layer's statistics at one step: the shape of protocol/stats' LayerStats (core imports nothing
 * outside core, so the shape is restated here; a LayerStats is a LayerStats here, and so is the dashboard's
 * histogram-less LayerPoint).
 */
export interface LayerStats {
  layer: number;
  units: number;
  pre: DistributionLike;
  post: DistributionLike;
  /** W x + b before a normalisation (normalised layers only). */
  linear?: DistributionLike;
  saturated: number;
  dead: number;
  weights: WeightStats;
  gradNorm: number;
  updateRatio: number;
}

/** One line of layers.jsonl as the study reads it. */
export interface LayerLine {
  step: number;
  epoch: number;
  layers: readonly LayerStats[];
}

/** Standard deviation over runs of a distribution's scalars. */
export interface DistributionSpread {
  mean: number;
  variance: number;
  min: number;
  max: number;
}

/** Standard deviation over the group's runs of every scalar of LayerStats. */
export interface LayerSpread {
  layer: number;
  pre: DistributionSpread;
  post: DistributionSpread;
  linear?: DistributionSpread;
  saturated: number;
  dead: number;
  weights: WeightStats;
  gradNorm: number;
  updateRatio: number;
}

export interface LayerAggregate {
  /** Runs that reported this layer at this step. */
  n: number;
  /**
   * Mean over runs: scalars and percentiles averaged element-wise, histogram counts averaged bin-wise (runs of one
   * group share stats.range and stats.bins; a run whose binning differs, or without a histogram, is left out of
   * the histogram; no run with one: no histogram).
   */
  mean: LayerStats;
  /** Sample standard deviation over runs of each scalar (NaN for n < 2). */
  std: LayerSpread;
}

export interface LayerAggregateLine {
  step: number;
  epoch: number;
  layers: LayerAggregate[];
}

function meanStd(values: readonly number[]): { mean: number; std: number } {
  const finite = values.filter((v) => Number.isFinite(v));
  const { mean, squares } = meanAndSquares(finite);
  const n = finite.length;
  return {
    mean: n > 0 ? mean : Number.NaN,
    std: n >= 2 ? Math.sqrt(Math.max(0, squares) / (n - 1)) : Number.NaN,
  };
}

function averageHistogram(hs: readonly Histogram[]): Histogram {
  const first = hs[0] as Histogram;
  const same = hs.filter(
    (h) => h.lo === first.lo && h.hi === first.hi && h.counts.length === first.counts.length,
  );
  const k = same.length;
  const counts = first.counts.map((_, i) => same.reduce((s, h) => s + (h.counts[i] as number), 0) / k);
  const under = same.reduce((s, h) => s + h.under, 0) / k;
  const over = same.reduce((s, h) => s + h.over, 0) / k;
  return { lo: first.lo, hi: first.hi, counts, under, over };
}

function aggregateDistribution(ds: readonly DistributionLike[]): {
  mean: DistributionLike;
  std: DistributionSpread;
} {
  const field = (pick: (d: DistributionLike) => number): { mean: number; std: number } =>
    meanStd(ds.map(pick));
  const m = field((d) => d.mean);
  const v = field((d) => d.variance);
  const lo = field((d) => d.min);
  const hi = field((d) => d.max);
  const width = Math.min(...ds.map((d) => d.percentiles.length));
  const histograms = ds.flatMap((d) => (d.histogram ? [d.histogram] : []));
  const percentiles = Array.from(
    { length: width },
    (_, i) => meanStd(ds.map((d) => d.percentiles[i] as number)).mean,
  );
  return {
    mean: {
      mean: m.mean,
      variance: v.mean,
      min: lo.mean,
      max: hi.mean,
      percentiles,
      ...(histograms.length > 0 ? { histogram: averageHistogram(histograms) } : {}),
    },
    std: { mean: m.std, variance: v.std, min: lo.std, max: hi.std },
  };
}

const WEIGHT_FIELDS = ['mean', 'variance', 'omegaMean', 'omegaStd', 'tauMean', 'tauStd'] as const;

function aggregateLayer(layers: readonly LayerStats[]): LayerAggregate {
  const first = layers[0] as LayerStats;
  const pre = aggregateDistribution(layers.map((l) => l.pre));
  const post = aggregateDistribution(layers.map((l) => l.post));
  // Averaged only when every run of the group has it (one experiment: all or none of its runs normalise).
  const linears = layers.flatMap((l) => (l.linear ? [l.linear] : []));
  const linear = linears.length === layers.length ? aggregateDistribution(linears) : undefined;
  const scalar = (pick: (l: LayerStats) => number): { mean: number; std: number } =>
    meanStd(layers.map(pick));
  const saturated = scalar((l) => l.saturated);
  const dead = scalar((l) => l.dead);
  const gradNorm = scalar((l) => l.gradNorm);
  const updateRatio = scalar((l) => l.updateRatio);
  const weightMean = {} as WeightStats;
  const weightStd = {} as WeightStats;
  for (const key of WEIGHT_FIELDS) {
    const s = scalar((l) => l.weights[key]);
    weightMean[key] = s.mean;
    weightStd[key] = s.std;
  }
  return {
    n: layers.length,
    mean: {
      layer: first.layer,
      units: first.units,
      pre: pre.mean,
      post: post.mean,
      ...(linear ? { linear: linear.mean } : {}),
      saturated: saturated.mean,
      dead: dead.mean,
      weights: weightMean,
      gradNorm: gradNorm.mean,
      updateRatio: updateRatio.mean,
    },
    std: {
      layer: first.layer,
      pre: pre.std,
      post: post.std,
      ...(linear ? { linear: linear.std } : {}),
      saturated: saturated.std,
      dead: dead.std,
      weights: weightStd,
      gradNorm: gradNorm.std,
      updateRatio: updateRatio.std,
    },
  };
}

/** The group's per-layer statistics at every step any run reported, averaged over the runs that reported it. */
export function aggregateLayers(runs: readonly (readonly LayerLine[])[]): LayerAggregateLine[] {
  const bySteps = new Map<number, { epochs: number[]; layers: Map<number, LayerStats[]> }>();
  for (const lines of runs) {
    for (const line of lines) {
      let entry = bySteps.get(line.step);
      if (entry === undefined) {
        entry = { epochs: [], layers: new Map() };
        bySteps.set(line.step, entry);
      }
      entry.epochs.push(line.epoch);
      for (const layer of line.layers) {
        const list = entry.layers.get(layer.layer);
        if (list === undefined) entry.layers.set(layer.layer, [layer]);
        else list.push(layer);
      }
    }
  }
  return [...bySteps]
    .sort((p, q) => p[0] - q[0])
    .map(([step, entry]) => ({
      step,
      epoch: Math.min(...entry.epochs),
      layers: [...entry.layers].sort((p, q) => p[0] - q[0]).map(([, layers]) => aggregateLayer(layers)),
    }));
}
