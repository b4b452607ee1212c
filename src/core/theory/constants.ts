/**
 * SELU constants alpha01 and lambda01 (the parameters that make (mean, variance) = (0, 1) the fixed point of the
 * mean/variance map for normalised weights) and the SELU saturation value alpha' = -lambda*alpha.
 */

/** SELU activation parameters: `selu(x) = lambda*x` for x > 0, `lambda*alpha*(exp(x) - 1)` otherwise. */
export interface SeluParams {
  alpha: number;
  lambda: number;
}

/**
 * alpha01 = -sqrt(2/pi) / (erfc(1/sqrt 2)*sqrt(e) - 1) = 1.673263242354377284817042991671652...
 * Source: Klambauer et al., "Self-Normalizing Neural Networks", NIPS 2017, eq. 14 (arXiv 1706.02515); the
 * literal below is the shortest decimal that round-trips to the correctly rounded float64 of that value (and of
 * the 32-digit literal used by tfjs-core, TF and PyTorch).
 */
export const SELU_ALPHA = 1.6732632423543772;

/**
 * lambda01 = 1.0507009873554804934193349852946064... Source: Klambauer et al. 2017, eq. 14; same literal as
 * tfjs-core `SELU_SCALE`; the literal is the correctly rounded float64.
 */
export const SELU_LAMBDA = 1.0507009873554805;

/**
 * alpha' = -lambda01*alpha01 = -1.7580993408473768599402175208123 (correctly rounded; tfjs-core
 * `SELU_SCALEALPHA`), written as its correctly rounded float64. Note float64(alpha)*float64(lambda) is one ulp away (-1.7580993408473766).
 */
export const SELU_ALPHA_PRIME = -1.7580993408473768;

/** The standard SELU parameters (alpha01, lambda01). */
export const DEFAULT_SELU: SeluParams = Object.freeze({ alpha: SELU_ALPHA, lambda: SELU_LAMBDA });

/**
 * alpha' = -lambda*alpha for the given parameters; for the default parameters the correctly rounded constant
 * {@link SELU_ALPHA_PRIME} is returned instead of the one-ulp-off float64 product.
 */
export function alphaPrimeOf(p: SeluParams = DEFAULT_SELU): number {
  if (p.alpha === SELU_ALPHA && p.lambda === SELU_LAMBDA) return SELU_ALPHA_PRIME;
  return -p.lambda * p.alpha;
}
