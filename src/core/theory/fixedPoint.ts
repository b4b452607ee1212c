/**
 * Iteration of the mean/variance map g: trajectories from a start point and the attracting fixed point for given
 * weight statistics (omega, tau), with a convergence report.
 */
import { DEFAULT_SELU, type SeluParams } from './constants';
import { meanVarianceMap, type MapInput } from './meanVarianceMap';

/** A (mean, variance) state of one layer's activations. */
export interface MomentState {
  mean: number;
  variance: number;
}

/** Options of {@link findFixedPoint}. */
export interface FixedPointOptions {
  omega: number;
  tau: number;
  /** Start of the iteration; default (0, 1). */
  start?: MomentState;
  /** Stop when |delta mean| and |delta variance| are both <= tolerance * max(1, |value|); default 1e-14
   * (a few ulp above the rounding jitter of g, so the loop always terminates). */
  tolerance?: number;
  /** Default 10000. */
  maxIterations?: number;
}

/** Result of {@link findFixedPoint}. */
export interface FixedPointResult extends MomentState {
  /** Number of applications of g performed. */
  iterations: number;
  converged: boolean;
  /** Largest relative change of the last step. */
  lastStep: number;
  /** Why the iteration stopped without converging (absent when converged). */
  reason?: string;
}

/**
 * Applies g `steps` times starting from (input.mu, input.nu) with fixed (omega, tau); returns steps + 1 states,
 * index 0 being the start. Stops early (fewer states) if the variance leaves (0, inf) in floating point, as it
 * does when it dies out (e.g. tau = 1/3), since g is undefined there.
 * @throws RangeError when an input is invalid or steps is not a non-negative integer.
 */
export function iterateMap(input: MapInput, steps: number, p: SeluParams = DEFAULT_SELU): MomentState[] {
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(`steps must be an integer >= 0, got ${steps}`);
  }
  const states: MomentState[] = [{ mean: input.mu, variance: input.nu }];
  let { mu, nu } = input;
  for (let i = 0; i < steps; i++) {
    const next = meanVarianceMap({ mu, nu, omega: input.omega, tau: input.tau }, p);
    if (!(next.variance > 0 && Number.isFinite(next.variance) && Number.isFinite(next.mean))) break;
    mu = next.mean;
    nu = next.variance;
    states.push({ mean: mu, variance: nu });
  }
  return states;
}

/**
 * Iterates g from `start` until the state stops changing (relative tolerance) and reports whether it converged.
 * Does not throw when the variance dies out (e.g. tau = 1/3): the result then has converged = false and a reason.
 * @throws RangeError for invalid omega, tau, start, tolerance or maxIterations.
 */
export function findFixedPoint(opts: FixedPointOptions, p: SeluParams = DEFAULT_SELU): FixedPointResult {
  const { omega, tau, start = { mean: 0, variance: 1 }, tolerance = 1e-14, maxIterations = 10000 } = opts;
  if (!(tolerance >= 0)) throw new RangeError(`tolerance must be >= 0, got ${tolerance}`);
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new RangeError(`maxIterations must be an integer >= 1, got ${maxIterations}`);
  }
  let mu = start.mean;
  let nu = start.variance;
  let lastStep = Number.POSITIVE_INFINITY;
  const status = (iterations: number, converged: boolean, reason?: string): FixedPointResult => ({
    mean: mu,
    variance: nu,
    iterations,
    converged,
    lastStep,
    ...(reason === undefined ? {} : { reason }),
  });
  // A validation pass with the given start raises a clear RangeError for bad omega, tau or start.
  meanVarianceMap({ mu, nu, omega, tau }, p);
  for (let i = 1; i <= maxIterations; i++) {
    const next = meanVarianceMap({ mu, nu, omega, tau }, p);
    const dMean = Math.abs(next.mean - mu) / Math.max(1, Math.abs(next.mean));
    const dVar = Math.abs(next.variance - nu) / Math.max(1, Math.abs(next.variance));
    lastStep = Math.max(dMean, dVar);
    if (!(next.variance > 0) || !Number.isFinite(next.mean) || !Number.isFinite(next.variance)) {
      return status(
        i - 1,
        false,
        `variance left (0, inf) after ${i} steps (${next.variance}): no fixed point`,
      );
    }
    mu = next.mean;
    nu = next.variance;
    if (lastStep <= tolerance) return status(i, true);
  }
  return status(maxIterations, false, `no convergence within ${maxIterations} iterations`);
}
