/**
 * Activation functions as tf ops. SELU with the paper constants uses tfjs's Selu kernel (its constants match,
 * snn-theory.md §1); custom (alpha, lambda) is composed from relu/elu. leaky_relu uses slope 0.01 (PyTorch's
 * default), gelu the exact erf form, swish x·sigmoid(x).
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Activation } from '../core/config/experimentConfig';
import { SELU_ALPHA, SELU_LAMBDA, type SeluParams } from '../core/theory/constants';
import type { Tf } from './backend';

/** Negative slope of leaky_relu. */
export const LEAKY_RELU_SLOPE = 0.01;

/** Returns f(z) for the named activation. */
export function activate(tf: Tf, name: Activation, z: Tensor, selu: SeluParams): Tensor {
  switch (name) {
    case 'selu':
      if (selu.alpha === SELU_ALPHA && selu.lambda === SELU_LAMBDA) return tf.selu(z);
      // lambda * (relu(z) + alpha * min(elu(z), 0)): elu(z) = exp(z) - 1 for z <= 0.
      return tf.mul(selu.lambda, tf.add(tf.relu(z), tf.mul(selu.alpha, tf.minimum(tf.elu(z), 0))));
    case 'relu':
      return tf.relu(z);
    case 'elu':
      return tf.elu(z);
    case 'tanh':
      return tf.tanh(z);
    case 'gelu':
      return tf.mul(tf.mul(z, 0.5), tf.add(1, tf.erf(tf.mul(z, Math.SQRT1_2))));
    case 'swish':
      return tf.mul(z, tf.sigmoid(z));
    case 'leaky_relu':
      return tf.leakyRelu(z, LEAKY_RELU_SLOPE);
    case 'linear':
      return z;
    default:
      throw new Error(`unknown activation ${String(name satisfies never)}`);
  }
}
