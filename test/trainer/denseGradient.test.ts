// The custom-gradient ops (transpose-free dense, SELU gradient from its output) must match tfjs's own gradients.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createRng } from '../../src/core/random';
import { initBackend } from '../../src/trainer/backend';
import { activate } from '../../src/trainer/activations';
import { makeFastDense, makeStockDense } from '../../src/trainer/dense';
import { buildModel } from '../../src/trainer/model';
import { DEFAULT_SELU } from '../../src/core/theory/constants';
import { setWasmKernelsEnabled } from '../../src/trainer/wasmKernels';
import { REPO_ROOT } from './helpers/forkTrainer';
import { lossGradients, seluModelConfig } from './helpers/lossGradients';

process.env.SNN_LAB_WASM_DIR = path.join(REPO_ROOT, 'dist', 'wasm');

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fast dense gradient on ${backend}`, () => {
    it('matches the stock matMul gradient', async (t) => {
      // The tf-ops version of the op (on wasm SNN Lab's own kernels replace it; test/trainer/wasmKernels.test.ts).
      const { tf, info } = await initBackend(backend);
      setWasmKernelsEnabled(false);
      t.after(() => setWasmKernelsEnabled(true));
      assert.equal(info.name, backend);
      const rng = createRng(3);
      const data = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());
      const x = tf.tensor2d(data(64 * 48), [64, 48]);
      const w = tf.tensor2d(data(48 * 32), [48, 32]);
      const b = tf.tensor1d(data(32));
      const upstream = tf.tensor2d(data(64 * 32), [64, 32]);
      const gradsOf = (dense: ReturnType<typeof makeFastDense>) =>
        tf.grads((xi, wi, bi) =>
          tf.sum(tf.mul(tf.selu(dense(xi as never, wi as never, bi as never)), upstream)),
        )([x, w, b]);
      const fast = gradsOf(makeFastDense(tf));
      const stock = gradsOf(makeStockDense(tf));
      const value = (dense: ReturnType<typeof makeFastDense>) => dense(x, w, b).dataSync();
      assert.deepEqual(value(makeFastDense(tf)), value(makeStockDense(tf)), 'forward pass is the same op');
      // Tolerance: both gradients are float32 products of the same operands with sums of <= 64 terms of O(1)
      // magnitude; only the kernel's summation order may differ, so |diff| <= 1e-4 * (1 + |g|).
      fast.forEach((g, i) => {
        const a = g.dataSync();
        const s = stock[i]?.dataSync() as Float32Array;
        assert.equal(a.length, s.length);
        for (let k = 0; k < a.length; k++) {
          const tol = 1e-4 * (1 + Math.abs(s[k] as number));
          assert.ok(
            Math.abs((a[k] as number) - (s[k] as number)) <= tol,
            `grad ${i}[${k}]: ${a[k]} vs ${s[k]}`,
          );
        }
      });
    });
  });
}

/** |a - b| <= 1e-4 * (1 + |b|) elementwise: float32 results of the same maths in a different operation order. */
function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length);
  for (let k = 0; k < a.length; k++) {
    const tol = 1e-4 * (1 + Math.abs(b[k] as number));
    assert.ok(Math.abs((a[k] as number) - (b[k] as number)) <= tol, `${what}[${k}]: ${a[k]} vs ${b[k]}`);
  }
}

describe('SELU gradient from the output', () => {
  it('matches tfjs Selu gradient for the paper constants and the formula for custom ones', async () => {
    const { tf } = await initBackend('cpu');
    const z = tf.tensor1d([-4, -1.5, -0.3, -1e-3, 1e-3, 0.7, 3]);
    const grid = tf.linspace(-8, 8, 4001);
    // Composed forward (relu/elu form) vs tfjs's Selu kernel: float32 rounding of two terms, |err| <= 1e-4 (1 + |y|).
    assertClose(activate(tf, 'selu', grid, DEFAULT_SELU).dataSync(), tf.selu(grid).dataSync(), 'selu value');
    const ours = tf
      .grad((x) => tf.sum(activate(tf, 'selu', x, DEFAULT_SELU)))(z)
      .dataSync();
    const stock = tf
      .grad((x) => tf.sum(tf.selu(x)))(z)
      .dataSync();
    assertClose(ours, stock, 'selu grad');
    const p = { alpha: 2.5, lambda: 0.9 };
    const custom = tf
      .grad((x) => tf.sum(activate(tf, 'selu', x, p)))(z)
      .dataSync();
    const expected = Array.from(z.dataSync(), (x) => (x > 0 ? p.lambda : p.lambda * p.alpha * Math.exp(x)));
    assertClose(custom, expected, 'custom selu grad');
  });
});

describe('whole-model gradients', () => {
  const config = seluModelConfig(3);
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`fast model (first layer without input gradient) equals the stock-gradient model on ${backend}`, async () => {
      const { tf } = await initBackend(backend);
      const rng = createRng(8);
      const x = tf.tensor2d(
        Float32Array.from({ length: 16 * 10 }, () => rng.normal()),
        [16, 10],
      );
      const target = tf
        .oneHot(
          tf.tensor1d(
            Array.from({ length: 16 }, (_, i) => i % 3),
            'int32',
          ),
          3,
        )
        .toFloat();
      const gradsOf = (gradient: 'fast' | 'stock'): Float32Array[] =>
        lossGradients(tf, buildModel(tf, config, DEFAULT_SELU, 10, 3, 5, gradient), x, target);
      const fast = gradsOf('fast');
      const stock = gradsOf('stock');
      assert.equal(fast.length, 8);
      fast.forEach((g, i) => assertClose(g, stock[i] as Float32Array, `variable ${i}`));
    });
  }
});
