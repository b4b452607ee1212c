// W x + b before the normalisation (LayerStats.linear) on a reporting step, against a direct float64 computation of
// every hidden layer's W x + b on the same batch with the same weights, for BatchNorm and LayerNorm nets, through the
// fused wasm step and the tfjs path (SNN Lab's kernels off, as SNN_LAB_WASM_KERNELS=0 does); a net without a norm
// records no such series.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { RunConfig } from '../../src/core/config/experimentConfig';
import { createRng } from '../../src/core/random';
import { distribution } from '../../src/core/statistics';
import { DEFAULT_SELU } from '../../src/core/theory/constants';
import type { Distribution } from '../../src/core/statisticsTypes';
import { initBackend } from '../../src/trainer/backend';
import { createStepper } from '../../src/trainer/batchStep';
import { buildModel, NORM_EPSILON, type Model } from '../../src/trainer/model';
import type { Tf } from '../../src/trainer/tf';
import { setWasmKernelsEnabled, wasmKernelsActive } from '../../src/trainer/wasmKernels';
import { REPO_ROOT } from './helpers/forkTrainer';
import { enableRelaxedSimd } from './helpers/relaxedSimd';

process.env.SNN_LAB_WASM_DIR = path.join(REPO_ROOT, 'dist', 'wasm');
enableRelaxedSimd();

const FEATURES = 6;
const CLASSES = 3;
const ROWS = 37;
const RANGE = 5;
const BINS = 20;

let tf: Tf;

function configOf(model: Partial<RunConfig['model']>): RunConfig {
  return {
    name: 'linear',
    seed: 5,
    data: { source: 'synthetic' } as RunConfig['data'],
    model: {
      ...{ depth: 3, width: 10, shape: 'rectangular', activation: 'relu', init: 'he_normal' },
      ...{ normalization: 'none', dropout: { kind: 'alpha', rate: 0 } },
      ...model,
    } as RunConfig['model'],
    train: { optimizer: 'sgd', learningRate: 0.05, batchSize: ROWS, epochs: 1, weightDecay: 0 },
    stats: { everySteps: 1, bins: BINS, range: RANGE, layers: 'all' },
  };
}

const rows = (t: { dataSync(): ArrayLike<number> }): number[] => Array.from(t.dataSync());

/** Every hidden layer's W x + b on x in float64 from the weights as they are now (the step's forward pass). */
function directLinear(model: Model, config: RunConfig, x: number[]): number[][] {
  const out: number[][] = [];
  let h = x;
  let fanIn = FEATURES;
  for (const layer of model.layers) {
    const [w, b, gamma, beta] = [layer.w, layer.b, layer.gamma, layer.beta].map((v) =>
      v ? rows(v) : [],
    ) as [number[], number[], number[], number[]];
    const u = layer.units;
    const a = Array.from({ length: ROWS * u }, (_, e) => {
      const [r, j] = [Math.floor(e / u), e % u];
      let sum = b[j] as number;
      for (let i = 0; i < fanIn; i++) sum += (h[r * fanIn + i] as number) * (w[i * u + j] as number);
      return sum;
    });
    out.push(a);
    // The normalisation (population moments, over the batch for BatchNorm, over the units for LayerNorm), then f.
    const batch = config.model.normalization === 'batchnorm';
    const [groups, size] = batch ? [u, ROWS] : [ROWS, u];
    const index = (g: number, k: number): number => (batch ? k * u + g : g * u + k);
    const z = new Array<number>(a.length);
    for (let g = 0; g < groups; g++) {
      const values = Array.from({ length: size }, (_, k) => a[index(g, k)] as number);
      const mean = values.reduce((s, v) => s + v, 0) / size;
      const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / size;
      for (let k = 0; k < size; k++) {
        const e = index(g, k);
        const j = e % u;
        z[e] = (((a[e] as number) - mean) / Math.sqrt(variance + NORM_EPSILON)) * (gamma[j] as number);
        z[e] = (z[e] as number) + (beta[j] as number);
      }
    }
    h = z.map((v) => (config.model.activation === 'relu' ? Math.max(0, v) : Math.tanh(v)));
    fanIn = u;
  }
  return out;
}

/**
 * float32 products of ≤ 10 terms of magnitude ≤ ~10 through 3 layers (and, in the kernels, other tanh formulas,
 * ≤ 2e-7 relative) put each value within ~1e-6 of its float64 value; the moments, min, max and the interpolated
 * percentiles move by at most that much. 2e-5 of the scale leaves room, while the normalised values or a missing
 * bias are off by 0.1 and more (checked below: W x + b here has mean ≥ 0.5 away from 0 or variance far from 1).
 */
const TOL = 2e-5;

function assertNear(actual: Distribution, expected: Distribution, what: string): void {
  const pairs: [string, number, number][] = [
    ['mean', actual.mean, expected.mean],
    ['variance', actual.variance, expected.variance],
    ['min', actual.min, expected.min],
    ['max', actual.max, expected.max],
    ...expected.percentiles.map((p, i): [string, number, number] => [
      `p${i}`,
      actual.percentiles[i] as number,
      p,
    ]),
  ];
  assert.equal(actual.percentiles.length, expected.percentiles.length, `${what}: percentiles`);
  for (const [key, a, e] of pairs) {
    assert.ok(Math.abs(a - e) <= TOL * Math.max(1, Math.abs(e)), `${what} ${key}: ${a} vs ${e}`);
  }
  const total = (d: Distribution): number =>
    d.histogram.counts.reduce((s, c) => s + c, 0) + d.histogram.under + d.histogram.over;
  assert.equal(total(actual), total(expected), `${what}: histogram total`);
}

/** One reporting step of a fresh model (biases, gains and shifts set away from their initial 0/1/0). */
async function reportingStep(
  config: RunConfig,
  fused: boolean,
): Promise<{ linear: (Distribution | undefined)[]; pre: Distribution[]; direct: number[][] }> {
  setWasmKernelsEnabled(fused);
  try {
    assert.equal(wasmKernelsActive(tf), fused);
    const model = buildModel(tf, config.model, DEFAULT_SELU, FEATURES, CLASSES, config.seed);
    const rng = createRng(9);
    for (const l of model.layers) {
      const set = (v: typeof l.b | undefined, f: () => number): void =>
        v?.assign(tf.tensor1d(Array.from({ length: l.units }, f)));
      set(l.b, () => 0.5 + rng.normal());
      set(l.gamma, () => 1.3 + 0.2 * rng.normal());
      set(l.beta, () => 0.2 * rng.normal());
    }
    const stepper = createStepper({
      ...{ tf, model, config, selu: DEFAULT_SELU, task: 'classification' as const },
      ...{ features: FEATURES, classes: CLASSES, rows: ROWS },
    });
    assert.equal(stepper.kind, fused ? 'wasm-fused' : 'tfjs');
    const x = Array.from({ length: ROWS * FEATURES }, () => 1 + 3 * rng.normal());
    const y = Float32Array.from({ length: ROWS }, () => rng.int(CLASSES));
    const x32 = Float32Array.from(x);
    const direct = directLinear(model, config, Array.from(x32));
    const result = await stepper.step(x32, y, ROWS, [0, 1, 2]);
    stepper.dispose();
    model.dispose();
    const layers = result.layers ?? [];
    assert.equal(layers.length, 3);
    return { linear: layers.map((l) => l.linear), pre: layers.map((l) => l.pre), direct };
  } finally {
    setWasmKernelsEnabled(true);
  }
}

describe('W x + b before the normalisation on a reporting step', () => {
  before(async () => {
    tf = (await initBackend('wasm')).tf;
  });

  const cases: [string, Partial<RunConfig['model']>][] = [
    ['BatchNorm + ReLU', { normalization: 'batchnorm', activation: 'relu' }],
    ['LayerNorm + tanh', { normalization: 'layernorm', activation: 'tanh', init: 'lecun_normal' }],
  ];
  for (const [name, model] of cases) {
    for (const fused of [true, false]) {
      it(`${name}, ${fused ? 'fused wasm step' : 'tfjs path (kernels off)'}: equals W x + b computed directly`, async () => {
        const config = configOf(model);
        const { linear, pre, direct } = await reportingStep(config, fused);
        linear.forEach((d, i) => {
          assert.ok(d, `layer ${i} has the series`);
          const expected = distribution(direct[i] as number[], RANGE, BINS);
          assertNear(d, expected, `layer ${i}`);
          // Not the normalised value: the input of f differs by far more than the tolerance.
          const p = pre[i] as Distribution;
          const apart = Math.abs(p.mean - d.mean) + Math.abs(p.variance - d.variance);
          assert.ok(
            apart > 0.1,
            `layer ${i}: W x + b (${d.mean}, ${d.variance}) vs pre (${p.mean}, ${p.variance})`,
          );
        });
      });
    }
  }

  for (const fused of [true, false]) {
    it(`records no W x + b series without a norm (${fused ? 'fused' : 'tfjs'})`, async () => {
      const { linear } = await reportingStep(configOf({ normalization: 'none' }), fused);
      assert.deepEqual(linear, [undefined, undefined, undefined]);
    });
  }
});
