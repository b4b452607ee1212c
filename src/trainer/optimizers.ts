/**
 * Optimisers: tfjs-core's tf.train (sgd, momentum 0.9, rmsprop decay 0.9), our one-kernel Adam (fusedAdam.ts, Keras
 * defaults β₁ 0.9, β₂ 0.999, ε 1e-7) plus L2
 * weight decay added to the gradients of weight matrices only (g + wd·W; biases and norm parameters undecayed).
 */
import type { NamedTensorMap, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { TrainConfig } from '../core/config/experimentConfig';
import type { Tf } from './tf';
import { FusedAdam, type StepOptimizer } from './fusedAdam';

/** Momentum coefficient of the 'momentum' optimiser (the usual default). */
export const MOMENTUM = 0.9;

/** Adam's β₁, β₂, ε (Keras defaults). */
export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

/** RMSProp's decay (momentum 0, not centered; ε is the backend's, 1e-7 in float32). */
export const RMSPROP_DECAY = 0.9;

/** Creates the configured optimiser. */
export function createOptimizer(tf: Tf, train: TrainConfig): StepOptimizer {
  const lr = train.learningRate;
  switch (train.optimizer) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum':
      return tf.train.momentum(lr, MOMENTUM);
    case 'adam':
      return new FusedAdam(tf, lr, ADAM.beta1, ADAM.beta2, ADAM.epsilon);
    case 'rmsprop':
      return tf.train.rmsprop(lr, RMSPROP_DECAY);
    default:
      throw new Error(`unknown optimizer ${String(train.optimizer satisfies never)}`);
  }
}

/** Adds weightDecay·W to the gradient of every decayed variable (in place in `grads`; old gradients disposed). */
export function addWeightDecay(
  tf: Tf,
  grads: NamedTensorMap,
  decayed: Variable[],
  weightDecay: number,
): void {
  if (weightDecay <= 0) return;
  for (const v of decayed) {
    const g = grads[v.name] as Tensor | undefined;
    if (!g) continue;
    grads[v.name] = tf.tidy(() => tf.add(g, tf.mul(v, weightDecay)));
    g.dispose();
  }
}
