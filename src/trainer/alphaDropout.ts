/**
 * Alpha dropout (Klambauer et al. 2017) and standard inverted dropout, training mode only (both are the identity
 * at inference). Masks come from the run's seeded JS generator, so runs are reproducible on every backend. Not
 * tf.layers.alphaDropout: tfjs 4.22 sets dropped units to +lambda*alpha instead of -lambda*alpha (docs/snn-spec.md §4.4).
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { DropoutConfig } from '../core/config/experimentConfig';
import type { Rng } from '../core/random';
import { alphaDropoutParams } from '../core/theory/alphaDropout';
import type { SeluParams } from '../core/theory/constants';
import type { Tf } from './tf';

/** Draws a keep mask (1 = kept with probability 1 - rate) shaped like `shape`. */
function keepMask(tf: Tf, shape: number[], rate: number, rng: Rng): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const mask = new Float32Array(n);
  for (let i = 0; i < n; i++) mask[i] = rng.next() >= rate ? 1 : 0;
  return tf.tensor(mask, shape);
}

/** Everything a dropout layer needs besides its input. */
export interface DropoutSpec {
  config: DropoutConfig;
  selu: SeluParams;
  fixedPoint?: { mean: number; variance: number };
}

/**
 * Applies dropout in training mode. Alpha: y = a·x + b for kept units, the constant a·alpha' + b for dropped ones
 * (alpha' = -lambda·alpha), which keeps (mean, variance) at the fixed point. Standard: y = keep·x / (1 - rate).
 */
export function applyDropout(tf: Tf, x: Tensor, spec: DropoutSpec, rng: Rng): Tensor {
  const { rate, kind } = spec.config;
  if (rate <= 0) return x;
  const keep = keepMask(tf, x.shape, rate, rng);
  if (kind === 'standard') return tf.mul(tf.mul(x, keep), 1 / (1 - rate));
  const { a, b, droppedValue } = alphaDropoutParams(rate, spec.fixedPoint, spec.selu);
  // keep·(a·x + b − d) + d: kept → a·x + b, dropped → d.
  return tf.add(tf.mul(keep, tf.sub(tf.add(tf.mul(x, a), b), droppedValue)), droppedValue);
}
