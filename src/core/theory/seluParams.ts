/**
 * Solves for SELU parameters (alpha, lambda) that make a prescribed (mean, variance) the fixed point of g when
 * the pre-activation is N(mean, variance) (the "getSELUparameters" convention of the SNN authors' repository).
 */
import { gaussianTerms, momentFactors, type MapTerms } from './meanVarianceMap';

/** Result of {@link solveSeluParameters}. */
export interface SeluParamsSolution {
  alpha: number;
  lambda: number;
  /** -lambda*alpha, the SELU saturation value used by alpha dropout. */
  alphaPrime: number;
  /** Newton iterations used (from the start that succeeded). */
  iterations: number;
}

/** Newton start of the repository notebook (near alpha01, lambda01); the bracketing start follows it. */
const NOTEBOOK_START: [number, number] = [1.67, 1.05];
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

/** One undamped Newton step from a converged point, kept only if it does not increase the residual. */
function polish(
  alpha: number,
  lambda: number,
  iterations: number,
  mean: number,
  variance: number,
  t: MapTerms,
): SeluParamsSolution {
  const r = residual(alpha, lambda, mean, variance, t);
  const [[j11, j12], [j21, j22]] = r.jac;
  const det = j11 * j22 - j12 * j21;
  const a = alpha - (r.f1 * j22 - r.f2 * j12) / det;
  const l = lambda - (j11 * r.f2 - j21 * r.f1) / det;
  const after = a > 0 && l > 0 ? residual(a, l, mean, variance, t) : null;
  const better =
    after !== null && Math.hypot(after.f1, after.f2 / variance) <= Math.hypot(r.f1, r.f2 / variance);
  return better
    ? { alpha: a, lambda: l, alphaPrime: -l * a, iterations: iterations + 1 }
    : { alpha, lambda, alphaPrime: -lambda * alpha, iterations };
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
    alpha = next.a;
    lambda = next.l;
    r = next.cand;
    // Newton converges quadratically: once the residual is at 1e-13, one more (polishing) step reaches the
    // rounding level, after which iterates only jitter by a few ulp, so stop there.
    if (norm(r.f1, r.f2) <= 1e-13) return polish(alpha, lambda, it, mean, variance, t);
  }
  return null;
}

/**
 * Robust start from the 1-D reduction: the mean equation lambda*A(alpha) = mean is linear in lambda, so for
 * mean != 0 set lambda = mean/A(alpha) and bracket a sign change of phi(alpha) = lambda^2 (B - A^2) - variance on a
 * log grid of alpha in [1e-6, 1e6], then bisect; for mean = 0, A(alpha) = 0 gives alpha directly.
 */
function bracketStart(mean: number, variance: number, t: MapTerms): [number, number] | null {
  const factors = (alpha: number) => momentFactors(t, alpha);
  if (mean === 0) {
    const c0 = factors(0).meanFactor;
    const alpha = -c0 / (factors(1).meanFactor - c0);
    const B = factors(alpha).secondFactor;
    return alpha > 0 && B > 0 ? [alpha, Math.sqrt(variance / B)] : null;
  }
  const phi = (logAlpha: number): number => {
    const { meanFactor: A, secondFactor: B } = factors(Math.exp(logAlpha));
    const lambda = mean / A;
    return lambda > 0 ? lambda * lambda * (B - A * A) - variance : Number.NaN;
  };
  const step = Math.log(1.05);
  let lo = Math.log(1e-6);
  let fLo = phi(lo);
  for (let x = lo + step; x <= Math.log(1e6); x += step) {
    const fx = phi(x);
    if (!Number.isNaN(fLo) && !Number.isNaN(fx) && Math.sign(fx) !== Math.sign(fLo)) {
      let hi = x;
      for (let k = 0; k < 60; k++) {
        const mid = (lo + hi) / 2;
        const fMid = phi(mid);
        if (Number.isNaN(fMid)) break;
        if (Math.sign(fMid) === Math.sign(fLo)) lo = mid;
        else hi = mid;
      }
      const alpha = Math.exp((lo + hi) / 2);
      return [alpha, mean / factors(alpha).meanFactor];
    }
    lo = x;
    fLo = fx;
  }
  return null;
}

/**
 * Finds (alpha, lambda) such that selu(z) with z ~ N(mean, variance) has exactly that mean and variance.
 * A 2-D damped Newton method with the exact Jacobian, started at the notebook's (1.67, 1.05) and, if that
 * fails, at a bracketed start from the 1-D reduction (see bracketStart).
 * @throws Error when mean/variance are invalid (non-finite, variance <= 0) or no start converges.
 */
export function solveSeluParameters(mean: number, variance: number): SeluParamsSolution {
  if (!Number.isFinite(mean)) throw new Error(`mean must be a finite number, got ${mean}`);
  if (!Number.isFinite(variance) || variance <= 0) {
    throw new Error(`variance must be a finite number > 0, got ${variance}`);
  }
  const fromNotebook = newton(NOTEBOOK_START, mean, variance);
  if (fromNotebook !== null) return fromNotebook;
  const start = bracketStart(mean, variance, gaussianTerms(mean, variance));
  const fromBracket = start === null ? null : newton(start, mean, variance);
  if (fromBracket !== null) return fromBracket;
  throw new Error(
    `no SELU parameters (alpha > 0, lambda > 0) found for fixed point (mean ${mean}, variance ${variance}): ` +
      (start === null
        ? `no alpha in [1e-6, 1e6] brackets a solution`
        : `Newton did not converge from (${NOTEBOOK_START.join(', ')}) nor from the bracketed start (${start.join(', ')})`),
  );
}
