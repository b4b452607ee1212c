/**
 * Normal and Student-t distribution functions (CDF, survival function, quantile) in float64 for the study
 * statistics: tails are computed directly (never as 1 - CDF), so small p-values keep their relative accuracy.
 * The normal CDF uses erfc of src/core/theory/erf.ts; the t distribution the incomplete beta of ./special.
 */
import { erfc } from '../theory/erf';
import { incompleteBeta, logBeta } from './special';

/** Phi^-1(0.975), the two-sided 95 % normal quantile (float64 nearest to 1.95996398454005423552...). */
export const NORMAL_QUANTILE_975 = 1.959963984540054;

/** P(Z <= z) for Z ~ N(0, 1). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z * Math.SQRT1_2);
}

/** P(Z > z) = 1 - Phi(z), accurate in the upper tail. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z * Math.SQRT1_2);
}

/** P(T > t) for T ~ Student t with `df` > 0 degrees of freedom (any real df). */
export function studentTSf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (t === 0) return 0.5;
  if (!Number.isFinite(t)) return t > 0 ? 0 : 1;
  const t2 = t * t;
  // P(|T| > |t|) = I_x(df/2, 1/2) with x = df/(df + t^2); both x and 1 - x are formed without cancellation.
  const x = df / (df + t2);
  const y = t2 / (df + t2);
  const twoSided = incompleteBeta(df / 2, 0.5, x, y).lower;
  return t > 0 ? 0.5 * twoSided : 1 - 0.5 * twoSided;
}

/** P(T <= t) for T ~ Student t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  return studentTSf(-t, df);
}

/** Density of Student's t at t. */
export function studentTPdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (!Number.isFinite(t)) return 0;
  return Math.exp(-logBeta(df / 2, 0.5) - 0.5 * Math.log(df) - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/**
 * A rough start for the upper quantile: the normal quantile by Abramowitz & Stegun 26.2.23 (|error| < 4.5e-4)
 * with two Cornish-Fisher terms for the t distribution (Abramowitz & Stegun 26.7.5). Only a starting point.
 */
function roughUpperQuantile(q: number, df: number): number {
  const w = Math.sqrt(-2 * Math.log(q));
  const z =
    w -
    (2.515517 + 0.802853 * w + 0.010328 * w * w) / (1 + 1.432788 * w + 0.189269 * w * w + 0.001308 * w ** 3);
  const z3 = z ** 3;
  const t = z + (z3 + z) / (4 * df) + (5 * z ** 5 + 16 * z3 + 3 * z) / (96 * df * df);
  return Number.isFinite(t) && t > 0 ? t : 1;
}

const QUANTILE_MAX_STEPS = 400;

/**
 * The t > 0 with P(T > t) = q, for 0 < q < 1/2: safeguarded Newton on s = ln t for h(s) = ln sf(e^s) - ln q
 * (nearly linear in both tails), with a bracket that Newton steps may not leave (bisection then).
 */
function upperQuantilePositive(q: number, df: number): number {
  const lnQ = Math.log(q);
  const h = (s: number): number => Math.log(studentTSf(Math.exp(s), df)) - lnQ;
  let s = Math.log(roughUpperQuantile(q, df));
  // Bracket [lo, hi] with h(lo) > 0 > h(hi); h decreases in s.
  let lo = s;
  let hi = s;
  while (h(lo) <= 0) lo -= 2;
  while (h(hi) >= 0) hi += 2;
  for (let i = 0; i < QUANTILE_MAX_STEPS; i++) {
    const t = Math.exp(s);
    const sf = studentTSf(t, df);
    const value = Math.log(sf) - lnQ;
    if (value === 0) return t;
    if (value > 0) lo = s;
    else hi = s;
    const slope = (-t * studentTPdf(t, df)) / sf;
    let next = s - value / slope;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (
      Math.abs(next - s) <= 1e-15 * Math.max(1, Math.abs(s)) ||
      hi - lo <= 1e-15 * Math.max(1, Math.abs(s))
    ) {
      return Math.exp(next);
    }
    s = next;
  }
  return Math.exp(s);
}

/** The t with P(T > t) = q (the upper-tail quantile; accurate for tiny q). */
export function studentTUpperQuantile(q: number, df: number): number {
  if (Number.isNaN(q) || !(df > 0) || q < 0 || q > 1) return Number.NaN;
  if (q === 0) return Number.POSITIVE_INFINITY;
  if (q === 1) return Number.NEGATIVE_INFINITY;
  if (q === 0.5) return 0;
  // 1 - q is exact for q in [1/2, 1] (Sterbenz), so the lower half loses nothing.
  return q < 0.5 ? upperQuantilePositive(q, df) : -upperQuantilePositive(1 - q, df);
}

/** The t with P(T <= t) = p (inverse CDF). For p near 1 prefer studentTUpperQuantile(1 - p) computed exactly. */
export function studentTQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p <= 0.5) return -studentTUpperQuantile(p, df);
  return studentTUpperQuantile(1 - p, df);
}
