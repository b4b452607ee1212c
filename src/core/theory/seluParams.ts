/**
 * Solves for SELU parameters (alpha, lambda) that make a prescribed (mean, variance) the fixed point of g when
 * the pre-activation is N(mean, variance) (the "getSELUparameters" convention of the SNN authors' repository).
 */
import { gaussianTerms, momentFactors } from './meanVarianceMap';

/** Result of {@link solveSeluParameters}. */
export interface SeluParamsSolution {
  alpha: number;
  lambda: number;
  /** -lambda*alpha, the SELU saturation value used by alpha dropout. */
  alphaPrime: number;
  /** Newton iterations used (from the start that succeeded). */
  iterations: number;
}

/** Newton starts: the (0, 1) solution first (as the repository notebook), then wider guesses. */
const STARTS: [number, number][] = [
  [1.67, 1.05],
  [1, 1],
  [3, 1.2],
  [0.5, 0.9],
  [6, 1.5],
];
const MAX_ITERATIONS = 100;

/**
 * Residuals F = (mu~ - mean, nu~ - variance) and their exact Jacobian in (alpha, lambda). With A(alpha) =
 * mu~/lambda (linear in alpha) and B(alpha) = xi~/lambda^2 (quadratic), mu~ = lambda A and nu~ = lambda^2 (B - A^2).
 */
function residual(
  alpha: number,
  lambda: number,
  mean: number,
  variance: number,
  t: ReturnType<typeof gaussianTerms>,
) {
  const { meanFactor: A, secondFactor: B } = momentFactors(t, alpha);
  const dA = 0.5 * (t.e1 - t.ec0);
  const dB = alpha * (t.ec0 - 2 * t.e1 + t.e2);
  const f1 = lambda * A - mean;
  const f2 = lambda * lambda * (B - A * A) - variance;
  const jac = [
    [lambda * dA, A],
    [lambda * lambda * (dB - 2 * A * dA), 2 * lambda * (B - A * A)],
  ] as const;
  return { f1, f2, jac };
}

/** Damped Newton from one start; returns null when it fails to converge. */
function newton(start: [number, number], mean: number, variance: number): SeluParamsSolution | null {
  const t = gaussianTerms(mean, variance);
  let [alpha, lambda] = start;
  const norm = (f1: number, f2: number) => Math.hypot(f1, f2 / variance);
  let r = residual(alpha, lambda, mean, variance, t);
  for (let it = 1; it <= MAX_ITERATIONS; it++) {
    const [[j11, j12], [j21, j22]] = r.jac;
    const det = j11 * j22 - j12 * j21;
    if (!Number.isFinite(det) || det === 0) return null;
    const dAlpha = (r.f1 * j22 - r.f2 * j12) / det;
    const dLambda = (j11 * r.f2 - j21 * r.f1) / det;
    // Backtracking keeps alpha, lambda > 0 and never lets the residual grow by much.
    let step = 1;
    let next = null;
    const before = norm(r.f1, r.f2);
    for (let k = 0; k < 30; k++, step /= 2) {
      const a = alpha - step * dAlpha;
      const l = lambda - step * dLambda;
      if (!(a > 0 && l > 0)) continue;
      const cand = residual(a, l, mean, variance, t);
      if (norm(cand.f1, cand.f2) <= before * (1 - 1e-4 * step) || norm(cand.f1, cand.f2) < 1e-15) {
        next = { a, l, cand };
        break;
      }
    }
    if (next === null) {
      // Stuck at rounding level: accept when already converged.
      return before < 1e-13 ? { alpha, lambda, alphaPrime: -lambda * alpha, iterations: it } : null;
    }
    const small = Math.abs(alpha - next.a) <= 1e-15 * next.a && Math.abs(lambda - next.l) <= 1e-15 * next.l;
    alpha = next.a;
    lambda = next.l;
    r = next.cand;
    if (small || norm(r.f1, r.f2) === 0) {
      return { alpha, lambda, alphaPrime: -lambda * alpha, iterations: it };
    }
  }
  return null;
}

/**
 * Finds (alpha, lambda) such that selu(z) with z ~ N(mean, variance) has exactly that mean and variance.
 * A 2-D damped Newton method with the exact Jacobian, tried from several starts.
 * @throws Error when mean/variance are invalid (non-finite, variance <= 0) or no start converges.
 */
export function solveSeluParameters(mean: number, variance: number): SeluParamsSolution {
  if (!Number.isFinite(mean)) throw new Error(`mean must be a finite number, got ${mean}`);
  if (!Number.isFinite(variance) || variance <= 0) {
    throw new Error(`variance must be a finite number > 0, got ${variance}`);
  }
  for (const start of STARTS) {
    const solution = newton(start, mean, variance);
    if (solution !== null) return solution;
  }
  throw new Error(
    `no SELU parameters (alpha > 0, lambda > 0) found for fixed point (mean ${mean}, variance ${variance}): ` +
      `Newton did not converge from any of ${STARTS.length} starts`,
  );
}
