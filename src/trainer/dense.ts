/**
 * Dense layer x·W + b with a transpose-free gradient: the backward pass materialises Wᵀ and xᵀ with an explicit
 * transpose and multiplies with plain matMuls, so the wasm backend takes its XNNPACK path for every product
 * (docs/tfjs.md §3: 4-5x faster per step than tfjs's stock matMul gradient, which emits transposed matmuls).
 */
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import type { Tf } from './tf';
import { wasmKernelsActive } from './wasmKernels';

export type DenseOp = (x: Tensor2D, w: Tensor2D, b: Tensor1D) => Tensor2D;

/**
 * Builds the fast dense op for one tf engine. With `inputGradient: false` (the first layer, whose input is data)
 * the gradient with respect to x is returned as zeros instead of computing dY·Wᵀ, which nobody reads.
 */
export function makeFastDense(tf: Tf, options: { inputGradient?: boolean } = {}): DenseOp {
  // On wasm with SNN Lab's kernels: one kernel (product + bias) whose registered gradient computes only the
  // gradients that are needed (none for data inputs), with unpacked products (src/trainer/wasmKernels.ts).
  if (wasmKernelsActive(tf)) return (x, w, b) => tf.engine().runKernel('SnnDense', { x, w, b }) as Tensor2D;
  const inputGradient = options.inputGradient ?? true;
  const op = tf.customGrad((...args: unknown[]) => {
    const [x, w, b, save] = args as [Tensor2D, Tensor2D, Tensor1D, (tensors: Tensor[]) => void];
    save([x, w]);
    return {
      value: tf.add(tf.matMul(x, w), b),
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const g = dy as Tensor2D;
        const [xs, ws] = saved as [Tensor2D, Tensor2D];
        const dx = inputGradient ? tf.matMul(g, tf.transpose(ws)) : tf.zerosLike(xs);
        // Column sums as ones(1×B)·dY: a plain matMul takes XNNPACK, ~4x faster than the Sum kernel on wasm.
        const db = tf.reshape(tf.matMul(tf.ones([1, g.shape[0]]), g), [g.shape[1]]);
        return [dx, tf.matMul(tf.transpose(xs), g), db];
      },
    };
  });
  return op as unknown as DenseOp;
}

/** The same layer with tfjs's stock gradient (reference for tests and benchmarks). */
export function makeStockDense(tf: Tf): DenseOp {
  return (x, w, b) => tf.add(tf.matMul(x, w), b);
}
