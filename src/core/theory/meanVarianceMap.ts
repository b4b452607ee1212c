/**
 * The SNN mean/variance map g: (mu, nu) -> (mean, variance) of selu(z) for z ~ N(mu*omega, nu*tau), its second
 * moment, its Jacobian and the singular values of 2x2 matrices (Klambauer et al. 2017, eqs. 4-6, 11-13, 62-71).
 */
import { DEFAULT_SELU, type SeluParams } from './constants';
import { erfc, erfcx } from './erf';

/** One point of the map's domain: input mean mu and variance nu, weight sum omega and squared-weight sum tau. */
export interface MapInput {
  mu: number;
  nu: number;
  omega: number;
  tau: number;
}

/** Output moments of g at one input. */
export interface MapOutput {
  /** mu~ = E[selu(z)] */
  mean: number;
  /** nu~ = Var[selu(z)] = secondMoment - mean^2 */
  variance: number;
  /** xi~ = E[selu(z)^2] */
  secondMoment: number;
}

/** A 2x2 matrix, row-major: [[a11, a12], [a21, a22]]. */
export type Matrix2 = [[number, number], [number, number]];

const SQRT_2_OVER_PI = 0.7978845608028654; // sqrt(2/pi), correctly rounded

/** The erfc/exp building blocks shared by the map and its Jacobian, for m = mu*omega and v = nu*tau. */
export interface MapTerms {
  m: number;
  v: number;
  s: number;
  /** erfc(u0), u0 = m/sqrt(2v) */
  ec0: number;
  /** exp(m + v/2) * erfc(u1), u1 = (m + v)/sqrt(2v) */
  e1: number;
  /** exp(2(m + v)) * erfc(u2), u2 = (m + 2v)/sqrt(2v) */
  e2: number;
  /** exp(-m^2/(2v)) */
  gauss: number;
}

/** Validates an input and computes the shared terms in the overflow-free erfcx form (spec §2.2). */
function terms(input: MapInput): MapTerms {
  for (const key of ['mu', 'nu', 'omega', 'tau'] as const) {
    if (!Number.isFinite(input[key])) {
      throw new RangeError(`${key} must be a finite number, got ${input[key]}`);
    }
  }
  if (input.nu <= 0) throw new RangeError(`nu (input variance) must be > 0, got ${input.nu}`);
  if (input.tau <= 0) throw new RangeError(`tau (sum of squared weights) must be > 0, got ${input.tau}`);
  const m = input.mu * input.omega;
  const v = input.nu * input.tau;
  const s = Math.sqrt(v);
  const r = Math.SQRT2 * s;
  const gauss = Math.exp(-(m * m) / (2 * v));
  const u1 = (m + v) / r;
  const u2 = (m + 2 * v) / r;
  // exp(m + v/2) erfc(u1) = erfcx(u1) exp(-m^2/(2v)); for u < 0 erfc is in (1, 2] and the plain form is exact.
  const e1 = u1 >= 0 ? erfcx(u1) * gauss : Math.exp(m + v / 2) * erfc(u1);
  const e2 = u2 >= 0 ? erfcx(u2) * gauss : Math.exp(2 * (m + v)) * erfc(u2);
  return { m, v, s, ec0: erfc(m / r), e1, e2, gauss };
}

/** mu~ / lambda and xi~ / lambda^2 from the shared terms (linear resp. quadratic in alpha). */
export function momentFactors(t: MapTerms, alpha: number): { meanFactor: number; secondFactor: number } {
  const { m, v, s, ec0, e1, e2, gauss } = t;
  const meanFactor = 0.5 * (-(alpha + m) * ec0 + alpha * e1 + SQRT_2_OVER_PI * s * gauss + 2 * m);
  const secondFactor =
    0.5 * ((m * m + v) * (2 - ec0) + alpha * alpha * (ec0 - 2 * e1 + e2) + SQRT_2_OVER_PI * m * s * gauss);
  return { meanFactor, secondFactor };
}

/** The shared terms for a Gaussian pre-activation with mean m and variance v (for the parameter solver). */
export function gaussianTerms(m: number, v: number): MapTerms {
  return terms({ mu: m, nu: v, omega: 1, tau: 1 });
}

/**
 * g(mu, nu; omega, tau, alpha, lambda): mean, variance and second moment of selu(z), z ~ N(mu*omega, nu*tau).
 * Uses the erfcx form of spec §2.2, so it neither overflows for large nu*tau nor loses the tail terms.
 * @throws RangeError when an input is not finite or nu, tau <= 0.
 */
export function meanVarianceMap(input: MapInput, p: SeluParams = DEFAULT_SELU): MapOutput {
  const { meanFactor, secondFactor } = momentFactors(terms(input), p.alpha);
  const mean = p.lambda * meanFactor;
  const secondMoment = p.lambda * p.lambda * secondFactor;
  return { mean, variance: secondMoment - mean * mean, secondMoment };
}

/**
 * The special case omega = 0 (normalised weights, spec §2.2), where only v = nu*tau matters:
 * mu~ = (lambda/2)(alpha erfcx(sqrt(v/2)) - alpha + sqrt(2v/pi)),
 * xi~ = (lambda^2/2)(v + alpha^2 (1 - 2 erfcx(sqrt(v/2)) + erfcx(sqrt(2v)))).
 */
export function meanVarianceMapOmegaZero(v: number, p: SeluParams = DEFAULT_SELU): MapOutput {
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`nu*tau must be a finite number > 0, got ${v}`);
  const { alpha, lambda } = p;
  const c1 = erfcx(Math.sqrt(v / 2));
  const mean = (lambda / 2) * (alpha * c1 - alpha + Math.sqrt((2 * v) / Math.PI));
  const secondMoment = ((lambda * lambda) / 2) * (v + alpha * alpha * (1 - 2 * c1 + erfcx(Math.sqrt(2 * v))));
  return { mean, variance: secondMoment - mean * mean, secondMoment };
}

/**
 * Jacobian H = d(mean, variance)/d(mu, nu) of g (spec §2.3): rows (mean, variance), columns (mu, nu).
 * @throws RangeError when an input is not finite or nu, tau <= 0.
 */
export function jacobian(input: MapInput, p: SeluParams = DEFAULT_SELU): Matrix2 {
  const t = terms(input);
  const { alpha, lambda } = p;
  const { omega, tau } = input;
  const { m, s, ec0, e1, e2, gauss } = t;
  const a2 = alpha * alpha;
  const mean = lambda * momentFactors(t, alpha).meanFactor;
  const j11 = ((lambda * omega) / 2) * (alpha * e1 - ec0 + 2);
  const j12 = ((lambda * tau) / 4) * (alpha * e1 - (alpha - 1) * (SQRT_2_OVER_PI / s) * gauss);
  const j21 = lambda * lambda * omega * (-a2 * e1 + a2 * e2 + m * (2 - ec0) + SQRT_2_OVER_PI * s * gauss);
  const j22 = ((lambda * lambda * tau) / 2) * (-a2 * e1 + 2 * a2 * e2 - ec0 + 2);
  return [
    [j11, j12],
    [j21 - 2 * mean * j11, j22 - 2 * mean * j12],
  ];
}

/**
 * Singular values of a 2x2 matrix, descending (closed form of spec §2.3; the smaller one as |det|/s_max, which
 * stays accurate when the matrix is nearly singular).
 */
export function singularValues(a: Matrix2): [number, number] {
  const [[a11, a12], [a21, a22]] = a;
  const sum = Math.hypot(a11 + a22, a21 - a12);
  const diff = Math.hypot(a11 - a22, a12 + a21);
  const sMax = 0.5 * (sum + diff);
  const sMin = sMax > 0 ? Math.abs(a11 * a22 - a12 * a21) / sMax : 0;
  return [sMax, sMin];
}

/** Spectral norm (largest singular value) of a 2x2 matrix. */
export function spectralNorm(a: Matrix2): number {
  return singularValues(a)[0];
}
