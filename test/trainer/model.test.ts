// In-process checks of the model pieces: initialiser variances, activations, custom SELU, conic widths, norms.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Activation, Init, ModelConfig } from '../../src/core/config/experimentConfig';
import { createRng } from '../../src/core/random';
import { moments } from '../../src/core/statistics';
import { DEFAULT_SELU } from '../../src/core/theory/constants';
import { selu as seluRef } from '../../src/core/theory/selu';
import { activate, LEAKY_RELU_SLOPE } from '../../src/trainer/activations';
import { initBackend } from '../../src/trainer/backend';
import { initWeights } from '../../src/trainer/init';
import { layerWidths } from '../../src/core/config/modelShape';
import { gatherRows } from '../../src/trainer/evaluate';
import { buildModel } from '../../src/trainer/model';

const model = (over: Partial<ModelConfig>): ModelConfig => ({
  depth: 3,
  width: 16,
  shape: 'rectangular',
  activation: 'selu',
  init: 'lecun_normal',
  normalization: 'none',
  dropout: { kind: 'alpha', rate: 0 },
  ...over,
});

describe('initialisers', () => {
  // 256 x 256 = 65,536 draws: the relative standard error of a sample variance is sqrt(2/65536) = 0.55 %, so 3 %
  // separates the schemes (tfjs_lecun_normal's 0.7737 is 23 % below LeCun's 1).
  const cases: [Init, number][] = [
    ['lecun_normal', 1],
    ['lecun_uniform', 1],
    ['he_normal', 2],
    ['glorot_uniform', 1], // 2 / (fanIn + fanOut) * fanIn = 1 for a square matrix
    ['tfjs_lecun_normal', 0.7737413035499232], // truncated at 2 sigma, uncorrected (docs/snn-spec.md §3.3)
  ];
  for (const [init, expected] of cases) {
    it(`${init} has variance ${expected.toFixed(4)}/fan_in and mean 0`, () => {
      const w = initWeights(init, 256, 256, createRng(1));
      const m = moments(w);
      assert.ok(Math.abs(m.variance * 256 - expected) < 0.03 * expected, `${init}: ${m.variance * 256}`);
      assert.ok(Math.abs(m.mean) < 0.003, `${init} mean ${m.mean}`);
    });
  }
  it('is reproducible from the seed', () => {
    assert.deepEqual(
      initWeights('lecun_normal', 4, 4, createRng(9)),
      initWeights('lecun_normal', 4, 4, createRng(9)),
    );
  });
});

describe('activations', () => {
  const xs = [-3, -1, -0.2, 0, 0.3, 2];
  const erf = (x: number): number => {
    // Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7), enough for a 1e-5 comparison.
    const t = 1 / (1 + 0.3275911 * Math.abs(x));
    const y =
      1 -
      ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
        t *
        Math.exp(-x * x);
    return Math.sign(x) * y;
  };
  const reference: Record<Activation, (x: number) => number> = {
    selu: (x) => seluRef(x),
    relu: (x) => Math.max(0, x),
    elu: (x) => (x > 0 ? x : Math.expm1(x)),
    tanh: Math.tanh,
    gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
    swish: (x) => x / (1 + Math.exp(-x)),
    leaky_relu: (x) => (x > 0 ? x : LEAKY_RELU_SLOPE * x),
    linear: (x) => x,
  };
  for (const name of Object.keys(reference) as Activation[]) {
    it(`${name} matches its definition (float32, |err| <= 1e-5)`, async () => {
      const { tf } = await initBackend('cpu');
      const out = activate(tf, name, tf.tensor1d(xs), DEFAULT_SELU).dataSync();
      xs.forEach((x, i) =>
        assert.ok(Math.abs((out[i] as number) - reference[name](x)) <= 1e-5, `${name}(${x}) = ${out[i]}`),
      );
    });
  }
  it('custom SELU parameters follow lambda * ELU_alpha', async () => {
    const { tf } = await initBackend('cpu');
    const p = { alpha: 2, lambda: 1.2 };
    const out = activate(tf, 'selu', tf.tensor1d(xs), p).dataSync();
    xs.forEach((x, i) => assert.ok(Math.abs((out[i] as number) - seluRef(x, p)) <= 1e-5));
  });
});

describe('model structure', () => {
  it('conic widths shrink linearly towards the output size', () => {
    assert.deepEqual(layerWidths(model({ depth: 4, width: 100, shape: 'conic' }), 10), [100, 78, 55, 33]);
    assert.deepEqual(layerWidths(model({ depth: 2, width: 8 }), 3), [8, 8]);
  });
  for (const normalization of ['batchnorm', 'layernorm'] as const) {
    it(`${normalization} normalises pre-activations per ${normalization === 'batchnorm' ? 'unit' : 'sample'}`, async () => {
      const { tf } = await initBackend('cpu');
      const m = buildModel(tf, model({ normalization, init: 'he_normal' }), DEFAULT_SELU, 5, 2, 1);
      const rng = createRng(4);
      const x = tf.tensor2d(
        Float32Array.from({ length: 64 * 5 }, () => 3 + 2 * rng.normal()),
        [64, 5],
      );
      const out = m.forward(x, { training: true, capture: new Set([2]) });
      const pre = out.pre.get(2);
      assert.ok(pre);
      const axis = normalization === 'batchnorm' ? 0 : 1;
      const mean = tf.mean(pre, axis).dataSync();
      // gamma = 1, beta = 0 at init: per-axis means are 0 up to float32 rounding.
      assert.ok(
        mean.every((v) => Math.abs(v) < 1e-4),
        `means ${Array.from(mean)}`,
      );
      assert.equal(m.trainable.length, 3 * 4 + 2);
      m.updateBatchNorm(out.bnMoments);
      if (normalization === 'batchnorm') {
        const moving = m.layers[0]?.movingMean?.dataSync() as Float32Array;
        assert.ok(
          moving.some((v) => v !== 0),
          'moving averages updated after the step',
        );
      }
      m.dispose();
    });
  }
});

describe('gatherRows', () => {
  it('copies the indexed rows and labels in order, a partial last batch included', () => {
    const features = 3;
    const n = 7;
    const split = {
      x: Float32Array.from({ length: n * features }, (_, k) => k + 0.5),
      y: Float32Array.from({ length: n }, (_, i) => 10 + i),
      n,
    };
    const order = [6, 2, 0, 5, 1, 3, 4];
    const batch = gatherRows(split, features, order, 4, 7);
    assert.deepEqual([...batch.y], [11, 13, 14]);
    assert.deepEqual(
      [...batch.x],
      [1, 3, 4].flatMap((i) => [0, 1, 2].map((f) => i * features + f + 0.5)),
    );
  });
});
