/** The SELU activation `lambda * ELU_alpha(x)` and its derivative, for any (alpha, lambda). */
import { DEFAULT_SELU, type SeluParams } from './constants';

/** SELU: `lambda*x` for x > 0, `lambda*alpha*(exp(x) - 1)` for x <= 0 (Klambauer et al. 2017, eq. 2). */
export function selu(x: number, p: SeluParams = DEFAULT_SELU): number {
  return x > 0 ? p.lambda * x : p.lambda * p.alpha * Math.expm1(x);
}

/**
 * Derivative of SELU: `lambda` for x > 0, `lambda*alpha*exp(x)` for x <= 0 (at x = 0 the left derivative, as the
 * `x > 0` mask of tfjs's gradient does; SELU is not differentiable at 0 unless alpha = 1).
 */
export function seluDerivative(x: number, p: SeluParams = DEFAULT_SELU): number {
  return x > 0 ? p.lambda : p.lambda * p.alpha * Math.exp(x);
}
