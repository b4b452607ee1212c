// Our Adam (fusedAdam.ts: bias corrections folded into per-step scalars; 12 tf kernels per variable with small
// variables updated as one flat vector, or one SnnAdam kernel per variable on wasm) must follow tfjs's stock
// tf.train.adam step for step on a network trained on a real loss.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import { createRng } from '../../src/core/random';
import { initBackend } from '../../src/trainer/backend';
import { FusedAdam, SMALL_VARIABLE, type StepOptimizer } from '../../src/trainer/fusedAdam';
import { setWasmKernelsEnabled, wasmKernelsActive } from '../../src/trainer/wasmKernels';
import { REPO_ROOT } from './helpers/forkTrainer';

process.env.SNN_LAB_WASM_DIR = path.join(REPO_ROOT, 'dist', 'wasm');

const STEPS = 30;

// wasm runs twice: with tfjs's kernels (SNN Lab's turned off) and with SNN Lab's one-pass SnnAdam kernel.
for (const [backend, kernels] of [
  ['cpu', false],
  ['wasm', false],
  ['wasm', true],
] as const) {
  describe(`fused Adam on ${backend}${kernels ? ' with SNN Lab kernels' : ''}`, () => {
    it('matches tf.train.adam over 30 steps of a 2-layer net', async (t) => {
      const { tf } = await initBackend(backend);
      setWasmKernelsEnabled(kernels);
      t.after(() => setWasmKernelsEnabled(true));
      assert.equal(wasmKernelsActive(tf), kernels);
      const rng = createRng(11);
      const data = (n: number, scale = 1): Float32Array =>
        Float32Array.from({ length: n }, () => scale * rng.normal());
      const x = tf.tensor2d(data(32 * 300), [32, 300]);
      const y = tf.tensor2d(data(32 * 3), [32, 3]);
      const init = [data(300 * 16, 0.06), data(16, 0.1), data(16 * 3, 0.3), data(3, 0.1)];
      const shapes = [[300, 16], [16], [16, 3], [3]];
      // The first weight takes the per-variable path, the other three the flat one.
      assert.ok(300 * 16 >= SMALL_VARIABLE && 16 * 3 < SMALL_VARIABLE);
      const train = (make: () => StepOptimizer): Float32Array[] => {
        const vars = tf.tidy(() => init.map((v, i) => tf.variable(tf.tensor(v, shapes[i])))) as Variable[];
        const [w1, b1, w2, b2] = vars as [Variable, Variable, Variable, Variable];
        const optimizer = make();
        for (let step = 0; step < STEPS; step++) {
          const { grads, value } = tf.variableGrads(
            () =>
              tf.losses.meanSquaredError(
                y,
                tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x, w1), b1)), w2), b2),
              ) as Scalar,
            vars,
          );
          optimizer.applyGradients(grads);
          tf.dispose([...Object.values(grads), value]);
        }
        const out = vars.map((v) => v.dataSync() as Float32Array);
        optimizer.dispose();
        tf.dispose(vars as Tensor[]);
        return out;
      };
      const before = tf.memory().numTensors;
      const ours = train(() => new FusedAdam(tf, 0.01, 0.9, 0.999, 1e-7));
      assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
      const stock = train(() => tf.train.adam(0.01, 0.9, 0.999, 1e-7));
      let moved = 0;
      ours.forEach((a, i) => {
        const s = stock[i] as Float32Array;
        const start = init[i] as Float32Array;
        a.forEach((value, j) => {
          // Tolerance: the two formulas are equal in real arithmetic and differ only by float32 rounding of the
          // bias-corrected terms (~1e-7 relative per step on updates of ~lr = 1e-2); after 30 steps a difference
          // stays far below 1e-5, while a wrong bias correction or moment would differ by ~1e-3 or more.
          assert.ok(Math.abs(value - (s[j] as number)) <= 1e-5, `var ${i}[${j}]: ${value} vs ${s[j]}`);
          moved = Math.max(moved, Math.abs(value - (start[j] as number)));
        });
      });
      assert.ok(moved > 0.1, `the weights moved (max ${moved}), so the comparison is not trivial`);
    });
  });
}
