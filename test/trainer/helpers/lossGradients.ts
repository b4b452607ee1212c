// Shared by the gradient comparison tests: a plain SELU network's config, and the gradients of a softmax
// cross-entropy loss with respect to every trainable variable of a model, as arrays (the model is disposed).
import type { Tensor } from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../../../src/core/config/experimentConfig';
import type { Tf } from '../../../src/trainer/tf';
import type { Model } from '../../../src/trainer/model';

export function lossGradients(tf: Tf, model: Model, x: Tensor, target: Tensor): Float32Array[] {
  const { grads } = tf.variableGrads(
    () =>
      tf.losses.softmaxCrossEntropy(target, model.forward(x as never, { training: true }).output) as never,
    model.trainable,
  );
  const out = model.trainable.map((v) => grads[v.name]?.dataSync() as Float32Array);
  tf.dispose(Object.values(grads));
  model.dispose();
  return out;
}

/** SELU, LeCun normal, width 24, no normalization or dropout. */
export function seluModelConfig(depth: number): ModelConfig {
  return {
    depth,
    width: 24,
    shape: 'rectangular',
    activation: 'selu',
    init: 'lecun_normal',
    normalization: 'none',
    dropout: { kind: 'alpha', rate: 0 },
  };
}
