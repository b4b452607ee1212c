/**
 * Resolves the SELU parameters of a run: explicit `model.selu`, else the paper constants (alpha01, lambda01).
 * A `model.fixedPoint` without `model.selu` is solved by the theory core.
 */
import type { ModelConfig } from '../core/config/experimentConfig';
import { DEFAULT_SELU, type SeluParams } from '../core/theory/constants';

/** The (alpha, lambda) a run's SELU layers and alpha dropout use. */
export function seluFor(model: ModelConfig): SeluParams {
  if (model.selu) return { alpha: model.selu.alpha, lambda: model.selu.lambda };
  return DEFAULT_SELU;
}
