/**
 * Value types of the per-layer statistics (histogram, distribution summary, weight summary): computed by
 * src/core/statistics.ts, carried by the protocol and persisted in the run store. Plain JSON, no behaviour.
 */

/** Fixed-range histogram: `counts[i]` covers [lo + i*w, lo + (i+1)*w), w = (hi - lo) / counts.length. */
export interface Histogram {
  lo: number;
  hi: number;
  counts: number[];
  /** Values below lo / at or above hi. */
  under: number;
  over: number;
}

/** Summary of a batch of values (all units x all samples of a layer). */
export interface Distribution {
  mean: number;
  variance: number;
  min: number;
  max: number;
  /**
   * TensorBoard's 9 percentiles, in this order: 0 (min), 6.68, 15.87, 30.85, 50, 69.15, 84.13, 93.32, 100 (max) %.
   * They are the +-0, 0.5, 1, 1.5, inf sigma points of a normal.
   */
  percentiles: number[];
  histogram: Histogram;
}

/** Weight statistics of one dense layer (incoming weights W, shape [fanIn, units]). */
export interface WeightStats {
  mean: number;
  variance: number;
  /** Per-unit omega = sum_i w_i (paper's omega = n * E[w]): mean and std over units. */
  omegaMean: number;
  omegaStd: number;
  /** Per-unit tau = sum_i w_i^2 (paper's tau = n * E[w^2]): mean and std over units. */
  tauMean: number;
  tauStd: number;
}
