/**
 * Alpha-dropout affine correction (a, b): dropped units are set to alpha' and then every unit is mapped to
 * a*x + b so that the fixed point (mean, variance) is kept (Klambauer et al. 2017, "New Dropout Technique").
 */
import { alphaPrimeOf, DEFAULT_SELU, type SeluParams } from './constants';

/** Alpha-dropout parameters for one rate and fixed point. */
export interface AlphaDropoutParams {
  /** Multiplier applied to every unit (after dropped units were set to alphaPrime). */
  a: number;
  /** Shift added to every unit. */
  b: number;
  /** Saturation value -lambda*alpha that dropped units take before the affine correction. */
  alphaPrime: number;
  /** The constant a*alphaPrime + b that a dropped unit has after the correction. */
  droppedValue: number;
}

/**
 * Computes a, b for drop probability `rate` in [0, 1) and fixed point (mean, variance) (default (0, 1)):
 * `a = sqrt(variance / (q*((1-q)*(alphaPrime-mean)^2 + variance)))`, `b = mean - a*(q*mean + (1-q)*alphaPrime)`
 * with q = 1 - rate (1 - q is evaluated as `rate` itself, which is exact). Rate 0 gives the identity (a = 1, b = 0).
 * @throws Error when rate is outside [0, 1) or the fixed point is not finite with variance > 0.
 */
export function alphaDropoutParams(
  rate: number,
  fixedPoint: { mean: number; variance: number } = { mean: 0, variance: 1 },
  p: SeluParams = DEFAULT_SELU,
): AlphaDropoutParams {
  if (!Number.isFinite(rate) || rate < 0 || rate >= 1) {
    throw new Error(`alpha-dropout rate must be in [0, 1), got ${rate}`);
  }
  const { mean, variance } = fixedPoint;
  if (!Number.isFinite(mean)) throw new Error(`fixed-point mean must be a finite number, got ${mean}`);
  if (!Number.isFinite(variance) || variance <= 0) {
    throw new Error(`fixed-point variance must be a finite number > 0, got ${variance}`);
  }
  const alphaPrime = alphaPrimeOf(p);
  const q = 1 - rate;
  const d = alphaPrime - mean;
  const a = Math.sqrt(variance / (q * (rate * d * d + variance)));
  const b = mean - a * (q * mean + rate * alphaPrime);
  return { a, b, alphaPrime, droppedValue: a * alphaPrime + b };
}
