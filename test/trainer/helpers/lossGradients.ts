// The gradients of a softmax cross-entropy loss with respect to every trainable variable of a model, as arrays
// (the model is disposed afterwards): shared by the gradient comparison tests.
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Tf } from '../../../src/trainer/backend';
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
