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

/** SELU value without a gradient of its own (used inside the custom-gradient op). */
function seluValue(tf: Tf, z: Tensor, p: SeluParams): Tensor {
  if (p.alpha === SELU_ALPHA && p.lambda === SELU_LAMBDA) return tf.selu(z);
  // lambda * (relu(z) + alpha * min(elu(z), 0)): elu(z) = exp(z) - 1 for z <= 0.
  return tf.mul(p.lambda, tf.add(tf.relu(z), tf.mul(p.alpha, tf.minimum(tf.elu(z), 0))));
}

const seluOps = new WeakMap<Tf, Map<string, (z: Tensor) => Tensor>>();

/**
 * SELU with a gradient computed from the output y instead of exp(z): f'(z) = lambda for y > 0 and
 * y + lambda*alpha (= lambda*alpha*e^z) otherwise. This saves the Exp kernel of tfjs's Selu gradient, a scalar
 * loop on wasm. (For alpha = 0 the output is 0 for z <= 0 and the derivative 0, as y + 0 = 0.)
 */
function seluOp(tf: Tf, p: SeluParams): (z: Tensor) => Tensor {
  let ops = seluOps.get(tf);
  if (!ops) seluOps.set(tf, (ops = new Map()));
  const key = `${p.alpha}/${p.lambda}`;
  let op = ops.get(key);
  if (!op) {
    const lambdaAlpha = p.lambda * p.alpha;
    const custom = tf.customGrad((...args: unknown[]) => {
      const [z, save] = args as [Tensor, (tensors: Tensor[]) => void];
      const y = seluValue(tf, z, p);
      save([y]);
      return {
        value: y,
        gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
          const ys = saved[0] as Tensor;
          return [
            tf.mul(dy as Tensor, tf.where(tf.greater(ys, 0), tf.scalar(p.lambda), tf.add(ys, lambdaAlpha))),
          ];
        },
      };
    });
    op = custom as unknown as (z: Tensor) => Tensor;
    ops.set(key, op);
  }
  return op;
}

/** Returns f(z) for the named activation. */
export function activate(tf: Tf, name: Activation, z: Tensor, selu: SeluParams): Tensor {
  switch (name) {
    case 'selu':
      return seluOp(tf, selu)(z);
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
