/** The network's shape from its configuration: the one formula for hidden widths, used by the trainer and estimates. */
import type { ModelConfig } from './experimentConfig';

/** Hidden widths: all `width`, or (conic) shrinking linearly from `width` towards the output size. */
export function layerWidths(
  config: Pick<ModelConfig, 'depth' | 'width' | 'shape'>,
  outputs: number,
): number[] {
  return Array.from({ length: config.depth }, (_, i) =>
    config.shape === 'conic'
      ? Math.max(1, Math.round(config.width + ((outputs - config.width) * i) / config.depth))
      : config.width,
  );
}

/** Rows the trainer evaluates at once (validation, test): bounds its memory for any split size. */
export const EVALUATION_CHUNK_ROWS = 2048;
