/**
 * Resolves the SELU parameters of a run: explicit `model.selu`, else (alpha, lambda) solved by the theory core
 * for `model.fixedPoint`, else the paper constants (alpha01, lambda01).
 */
import type { ModelConfig } from '../core/config/experimentConfig';
import { DEFAULT_SELU, type SeluParams } from '../core/theory/constants';
import { solveSeluParameters } from '../core/theory/seluParams';

/** The (alpha, lambda) a run's SELU layers and alpha dropout use. */
export function seluFor(model: ModelConfig): SeluParams {
  if (model.selu) return { alpha: model.selu.alpha, lambda: model.selu.lambda };
  if (model.fixedPoint) {
    const { alpha, lambda } = solveSeluParameters(model.fixedPoint.mean, model.fixedPoint.variance);
    return { alpha, lambda };
  }
  return DEFAULT_SELU;
}
