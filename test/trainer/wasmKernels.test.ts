// SNN Lab's wasm SIMD kernels (assembly/kernels.ts via src/trainer/wasmKernels.ts) against tfjs's own ops and the
// SELU formula in float64: products in every orientation and awkward shapes, SELU and its gradient, column sums,
// the whole model's gradients with and without the kernels, and clear errors on bad shapes.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { Tensor } from '@tensorflow/tfjs-core';
import { createRng } from '../../src/core/random';
import { DEFAULT_SELU } from '../../src/core/theory/constants';
import { initBackend } from '../../src/trainer/backend';
import type { Tf } from '../../src/trainer/tf';
import { stackedNorms, updateRatios } from '../../src/trainer/layerStats';
import { buildModel, type HiddenLayer } from '../../src/trainer/model';
import type { KernelVariant } from '../../src/trainer/kernelModule';
import {
  loadedKernelVariants,
  setWasmKernelsEnabled,
  useKernelVariant,
  wasmKernelsActive,
} from '../../src/trainer/wasmKernels';
import { REPO_ROOT } from './helpers/forkTrainer';
import { lossGradients, seluModelConfig } from './helpers/lossGradients';
import { enableRelaxedSimd } from './helpers/relaxedSimd';

process.env.SNN_LAB_WASM_DIR = path.join(REPO_ROOT, 'dist', 'wasm');
const RELAXED = enableRelaxedSimd();
/** Both builds of the kernels: fused multiply-add (relaxed SIMD) and separate mul and add. */
const VARIANTS: KernelVariant[] = ['wasm-relaxed-simd', 'wasm-simd'];

const LAMBDA = DEFAULT_SELU.lambda;
const LAMBDA_ALPHA = DEFAULT_SELU.lambda * DEFAULT_SELU.alpha;
/** float32 unit roundoff. */
const U = 2 ** -24;

let tf: Tf;
const rng = createRng(5);
const normal = (shape: number[]): Tensor =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
    shape,
  );
const run = (name: string, inputs: Record<string, Tensor>, attrs: object = {}): Tensor =>
  tf.engine().runKernel(name, inputs, attrs as never) as Tensor;

/**
 * |ours − tfjs| ≤ 2γₖ·(|A|·|B|) elementwise: the forward error bound of a float32 dot product of k terms,
 * γₖ = k·u/(1 − k·u) (Higham, Accuracy and Stability of Numerical Algorithms, §3.1), for each implementation. A
 * fused multiply-add rounds once instead of twice, so the same bound holds for the relaxed-SIMD build.
 */
function assertProductClose(ours: Tensor, ref: Tensor, absBound: Tensor, k: number, what: string): void {
  const gamma = (k * U) / (1 - k * U);
  const [a, r, bound] = [ours.dataSync(), ref.dataSync(), absBound.dataSync()];
  assert.deepEqual(ours.shape, ref.shape, `${what}: shape`);
  for (let i = 0; i < a.length; i++) {
    const tol = 2 * gamma * (bound[i] as number) + 1e-30;
    assert.ok(
      Math.abs((a[i] as number) - (r[i] as number)) <= tol,
      `${what}[${i}]: ${a[i]} vs ${r[i]} (tol ${tol})`,
    );
  }
}

describe('SNN Lab wasm kernels', () => {
  before(async () => {
    assert.ok(
      RELAXED,
      'this engine validates relaxed SIMD (with --experimental-wasm-relaxed-simd on Node 20)',
    );
    const handle = await initBackend('wasm');
    tf = handle.tf;
    assert.equal(handle.info.versions['snn-lab-kernels'], 'wasm-relaxed-simd', JSON.stringify(handle.info));
    assert.deepEqual(loadedKernelVariants(), VARIANTS);
    assert.ok(wasmKernelsActive(tf));
  });

  // Batch remainders (m mod 4), column remainders (n mod 8: the output layer's 10), k = 1, and the bench's sizes.
  const shapes: [number, number, number][] = [
    [128, 256, 256],
    [37, 784, 256],
    [5, 3, 10],
    [1, 1, 1],
    [9, 17, 13],
    [4, 8, 8],
    [130, 256, 10],
    [7, 5, 2],
    [128, 64, 2],
  ];
  for (const [m, k, n, variant] of shapes.flatMap((shape) => VARIANTS.map((v) => [...shape, v] as const))) {
    it(`matches tf.matMul for ${m}×${k}·${k}×${n} (dense with bias, Aᵀ·B, A·Bᵀ), ${variant}`, () => {
      useKernelVariant(variant);
      const x = normal([m, k]);
      const w = normal([k, n]);
      const b = normal([n]);
      const dz = normal([m, n]);
      const abs = tf.abs;
      const dense = run('SnnDense', { x, w, b });
      assertProductClose(
        dense,
        tf.add(tf.matMul(x, w), b),
        tf.add(tf.matMul(abs(x), abs(w)), abs(b)),
        k + 1,
        'dense',
      );
      const tn = run('SnnMatMul', { a: x, b: dz }, { transposeA: true });
      assertProductClose(
        tn,
        tf.matMul(x, dz, true, false),
        tf.matMul(abs(x), abs(dz), true, false),
        m,
        'Aᵀ·B',
      );
      const nt = run('SnnMatMul', { a: dz, b: w }, { transposeB: true });
      assertProductClose(
        nt,
        tf.matMul(dz, w, false, true),
        tf.matMul(abs(dz), abs(w), false, true),
        n,
        'A·Bᵀ',
      );
      const sums = run('SnnColumnSums', { x: dz });
      assertProductClose(sums, tf.sum(dz, 0), tf.sum(abs(dz), 0), m, 'column sums');
    });
  }

  it('rejects operands whose shapes do not agree, naming both shapes', () => {
    assert.throws(
      () => run('SnnMatMul', { a: normal([3, 4]), b: normal([5, 2]) }),
      /\[3,4\] and \[5,2\] do not agree/,
    );
    assert.throws(
      () => run('SnnDense', { x: normal([3, 4]), w: normal([4, 2]), b: normal([3]) }),
      /bias must be \[2\]/,
    );
  });

  for (const variant of VARIANTS) {
    it(`computes SELU within 2e-7 relative of the float64 formula, from −100 to 10 and near 0, ${variant}`, () => {
      useKernelVariant(variant);
      const grid = [
        ...Array.from({ length: 11001 }, (_, i) => -100 + i * 0.01),
        -1e-3,
        -1e-6,
        -1e-9,
        -1e-30,
        0,
        1e-9,
      ];
      const z = tf.tensor1d(grid);
      const y = run('SnnSelu', { x: z }, { lambda: LAMBDA, lambdaAlpha: LAMBDA_ALPHA }).dataSync();
      const zs = z.dataSync();
      zs.forEach((v, i) => {
        const exact = v > 0 ? LAMBDA * v : LAMBDA_ALPHA * Math.expm1(v);
        // Cephes' expf polynomial is good to ~1e-7 relative; float32 rounding of the result adds 6e-8. The
        // relaxed-SIMD build evaluates it with fused multiply-adds (fewer roundings, 30 % faster), the plain one with
        // separate mul and add: both are held to the same bound (measured max 1.4e-7 and 1.3e-7 on this grid).
        const tol = 2e-7 * Math.abs(exact) + 1e-38;
        assert.ok(Math.abs((y[i] as number) - exact) <= tol, `selu(${v}) = ${y[i]}, expected ${exact}`);
      });
    });
  }

  it('differentiates SELU as λ above 0 and λα·eᶻ below (tf.grad through the registered gradient)', () => {
    const z = tf.tensor1d([-30, -4, -1.5, -0.3, -1e-3, 0, 1e-3, 0.7, 3]);
    const attrs = { lambda: LAMBDA, lambdaAlpha: LAMBDA_ALPHA };
    const g = tf
      .grad((x: Tensor) => tf.sum(run('SnnSelu', { x }, attrs)))(z)
      .dataSync();
    z.dataSync().forEach((v, i) => {
      const exact = v > 0 ? LAMBDA : LAMBDA_ALPHA * Math.exp(v);
      // The derivative is taken from the float32 output y + λα: absolute error ≤ a few ulps of λα.
      assert.ok(Math.abs((g[i] as number) - exact) <= 1e-6, `selu'(${v}) = ${g[i]}, expected ${exact}`);
    });
  });

  it('gives a deep SELU network the same loss gradients as tfjs own kernels', () => {
    const config = seluModelConfig(4);
    const x = normal([19, 30]);
    const target = tf.oneHot(
      tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0], 'int32'),
      3,
    );
    const gradients = (kernels: boolean): Float32Array[] => {
      setWasmKernelsEnabled(kernels);
      try {
        assert.equal(wasmKernelsActive(tf), kernels);
        return lossGradients(tf, buildModel(tf, config, DEFAULT_SELU, 30, 3, 7), x, target);
      } finally {
        setWasmKernelsEnabled(true);
      }
    };
    const ours = gradients(true);
    const stock = gradients(false);
    assert.equal(ours.length, 10);
    ours.forEach((g, i) => {
      const s = stock[i] as Float32Array;
      assert.equal(g.length, s.length);
      const scale = Math.max(...s.map(Math.abs));
      // Same maths, float32, different summation orders through 5 layers: within 1e-4 of the largest entry.
      g.forEach((v, k) =>
        assert.ok(Math.abs(v - (s[k] as number)) <= 1e-4 * scale, `var ${i}[${k}]: ${v} vs ${s[k]}`),
      );
    });
  });

  it('computes gradient norms and update ratios like tf ops (one kernel for all layers)', () => {
    const grads = [normal([300, 7]), normal([5]), normal([1, 1])];
    const norms = stackedNorms(tf, grads).dataSync();
    const layers = [0, 1].map((i) => ({ w: tf.variable(normal([40, 9 + i])) })) as unknown as HiddenLayer[];
    const old = layers.map((l) => tf.add(l.w, tf.mul(normal(l.w.shape), 0.01)));
    const ratios = updateRatios(tf, layers, old).dataSync();
    // Float64 sums here, float32 in the reference: agreement to float32 rounding of a sum of ≤ 2,100 squares.
    grads.forEach((g, i) => {
      const ref = Math.sqrt(tf.sum(tf.square(g)).dataSync()[0] as number);
      assert.ok(Math.abs((norms[i] as number) - ref) <= 1e-5 * ref, `norm ${i}: ${norms[i]} vs ${ref}`);
    });
    layers.forEach((l, i) => {
      const o = old[i] as Tensor;
      const ref = tf.div(tf.norm(tf.sub(l.w, o)), tf.norm(o)).dataSync()[0] as number;
      assert.ok(Math.abs((ratios[i] as number) - ref) <= 1e-5 * ref, `ratio ${i}: ${ratios[i]} vs ${ref}`);
    });
    assert.ok((ratios[0] as number) > 0.001 && (ratios[0] as number) < 0.1, 'the ratio is a real 1 % change');
  });

  it('records the variant in the backend info: off with SNN_LAB_WASM_KERNELS=0, plain SIMD with =simd', async () => {
    process.env.SNN_LAB_WASM_KERNELS = '0';
    try {
      const off = await initBackend('wasm');
      assert.equal(off.info.versions['snn-lab-kernels'], undefined);
      assert.match(off.info.fallbackReason ?? '', /turned off \(SNN_LAB_WASM_KERNELS=0\)/);
      assert.equal(wasmKernelsActive(tf), false);
    } finally {
      delete process.env.SNN_LAB_WASM_KERNELS;
    }
    process.env.SNN_LAB_WASM_KERNELS = 'simd';
    try {
      const plain = await initBackend('wasm');
      assert.equal(plain.info.versions['snn-lab-kernels'], 'wasm-simd');
    } finally {
      delete process.env.SNN_LAB_WASM_KERNELS;
    }
    const on = await initBackend('wasm');
    assert.equal(on.info.versions['snn-lab-kernels'], 'wasm-relaxed-simd');
    assert.ok(wasmKernelsActive(tf));
  });

  it('leaves no tensors behind over training steps', () => {
    const w = tf.variable(normal([16, 8]));
    const b = tf.variable(tf.zeros([8]));
    const x = normal([12, 16]);
    const step = (): void => {
      const { value, grads } = tf.variableGrads(() => {
        const y = run(
          'SnnSelu',
          { x: run('SnnDense', { x, w, b }) },
          { lambda: LAMBDA, lambdaAlpha: LAMBDA_ALPHA },
        );
        return tf.mean(tf.square(y)) as never;
      }, [w, b]);
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    assert.equal(tf.memory().numTensors, before);
  });
});
