// The transpose-free custom-gradient dense op must give the same values and gradients as tfjs's stock matMul.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createRng } from '../../src/core/random';
import { initBackend } from '../../src/trainer/backend';
import { makeFastDense, makeStockDense } from '../../src/trainer/dense';
import { REPO_ROOT } from './helpers/forkTrainer';

process.env.SNN_LAB_WASM_DIR = path.join(REPO_ROOT, 'dist', 'wasm');

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fast dense gradient on ${backend}`, () => {
    it('matches the stock matMul gradient', async () => {
      const { tf, info } = await initBackend(backend);
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
