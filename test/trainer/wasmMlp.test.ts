// The fused wasm training step (src/trainer/wasmMlp.ts) against the unfused tfjs path (tfjs ops and autodiff, SNN
// Lab's kernels off) on the same model and batches: losses, training outputs, every variable after a few steps,
// the dropout masks, inference outputs and the statistics, for every activation, normalisation, dropout kind and
// optimiser, odd batch sizes and widths that are not multiples of 4 or 8.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { RunConfig } from '../../src/core/config/experimentConfig';
import { createRng, deriveSeed } from '../../src/core/random';
import { alphaDropoutParams } from '../../src/core/theory/alphaDropout';
import { DEFAULT_SELU } from '../../src/core/theory/constants';
import { initBackend } from '../../src/trainer/backend';
import type { Tf } from '../../src/trainer/tf';
import { createStepper, type BatchResult } from '../../src/trainer/batchStep';
import { buildModel } from '../../src/trainer/model';
import { WasmMlp } from '../../src/trainer/wasmMlp';
import type { KernelVariant } from '../../src/trainer/kernelModule';
import { dropoutCodes } from '../../src/trainer/wasmMlpPlan';
import {
  loadedKernelVariants,
  setWasmKernelsEnabled,
  useKernelVariant,
  wasmKernelsActive,
} from '../../src/trainer/wasmKernels';
import { REPO_ROOT } from './helpers/forkTrainer';
import { enableRelaxedSimd } from './helpers/relaxedSimd';

process.env.SNN_LAB_WASM_DIR = path.join(REPO_ROOT, 'dist', 'wasm');
const RELAXED = enableRelaxedSimd();
const KERNELS: KernelVariant[] = ['wasm-relaxed-simd', 'wasm-simd'];

let tf: Tf;

type Variant = {
  model?: Partial<RunConfig['model']>;
  train?: Partial<RunConfig['train']>;
  regression?: boolean;
};

const FEATURES = 7;
const CLASSES = 3;
const ROWS = 13;

function configOf(v: Variant): RunConfig {
  return {
    name: 'fused',
    seed: 11,
    data: { source: 'synthetic' } as RunConfig['data'],
    model: {
      depth: 3,
      width: 10,
      shape: 'rectangular',
      activation: 'selu',
      init: 'lecun_normal',
      normalization: 'none',
      dropout: { kind: 'alpha', rate: 0 },
      ...v.model,
    },
    train: { optimizer: 'sgd', learningRate: 0.05, batchSize: ROWS, epochs: 1, weightDecay: 0, ...v.train },
    stats: { everySteps: 1, bins: 20, range: 5, layers: 'all' },
  };
}

interface Trace {
  /** BatchNorm with Adam/RMSProp: hidden biases, moving means and so inference follow rounding noise (below). */
  noisy: boolean;
  results: BatchResult[];
  /** Every variable's values after the steps, with its name. */
  variables: [string, Float32Array][];
  inference: Float32Array;
}

/** Three steps (the last one reporting statistics) and an inference pass, with the fused step or tfjs's. */
async function trace(v: Variant, fused: KernelVariant | false): Promise<Trace> {
  setWasmKernelsEnabled(fused !== false);
  if (fused) useKernelVariant(fused);
  try {
    assert.equal(wasmKernelsActive(tf), fused !== false);
    const config = configOf(v);
    const outputs = v.regression ? 1 : CLASSES;
    const model = buildModel(tf, config.model, DEFAULT_SELU, FEATURES, outputs, config.seed);
    const stepper = createStepper({
      tf,
      model,
      config,
      selu: DEFAULT_SELU,
      task: v.regression ? 'regression' : 'classification',
      features: FEATURES,
      classes: outputs,
      rows: ROWS,
    });
    assert.equal(stepper.kind, fused ? 'wasm-fused' : 'tfjs');
    const rng = createRng(3);
    const results: BatchResult[] = [];
    for (let s = 0; s < 3; s++) {
      const rows = s === 1 ? ROWS - 4 : ROWS; // a short last batch, as at the end of an epoch
      const x = Float32Array.from({ length: rows * FEATURES }, () => rng.normal());
      const y = Float32Array.from({ length: rows }, () => (v.regression ? rng.normal() : rng.int(CLASSES)));
      results.push(await stepper.step(x, y, rows, s === 2 ? [0, 1, 2] : undefined));
    }
    const probe = Float32Array.from({ length: 30 * FEATURES }, () => rng.normal());
    const inference = stepper.predict
      ? stepper.predict(probe, 30)
      : (tf
          .tidy(() => model.forward(tf.tensor2d(probe, [30, FEATURES]), { training: false }).output)
          .dataSync() as Float32Array);
    const moving = model.layers.flatMap((l) =>
      l.movingMean && l.movingVar ? [l.movingMean, l.movingVar] : [],
    );
    // The hidden biases of a BatchNorm net have a zero gradient in real arithmetic (the normalisation removes
    // them); Adam and RMSProp scale its float32 rounding noise to full-size steps, in both implementations alike,
    // and the moving means follow those biases: neither is compared then.
    const adaptive = config.train.optimizer === 'adam' || config.train.optimizer === 'rmsprop';
    const noisy = config.model.normalization === 'batchnorm' && adaptive;
    const noise = new Set(noisy ? model.layers.flatMap((l) => [l.b, l.movingMean]) : []);
    const variables = [...model.trainable, ...moving]
      .filter((t) => !noise.has(t))
      .map((t): [string, Float32Array] => [t.name, t.dataSync() as Float32Array]);
    stepper.dispose();
    model.dispose();
    return { noisy, results, variables, inference };
  } finally {
    setWasmKernelsEnabled(true);
  }
}

/** |a − b| ≤ tol·max(1, max|b|) elementwise. */
function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i] as number));
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    assert.ok(d <= tol * scale, `${what}[${i}]: ${a[i]} vs ${b[i]} (|diff| ${d}, tol ${tol * scale})`);
  }
}

const VARIANTS: [string, Variant][] = [
  ['SELU + alpha dropout 0.2, SGD', { model: { dropout: { kind: 'alpha', rate: 0.2 } } }],
  ['SELU, Adam + weight decay', { train: { optimizer: 'adam', learningRate: 0.01, weightDecay: 0.01 } }],
  [
    'ReLU + BatchNorm, momentum',
    {
      model: { activation: 'relu', init: 'he_normal', normalization: 'batchnorm' },
      train: { optimizer: 'momentum' },
    },
  ],
  [
    'tanh + LayerNorm + standard dropout 0.3, RMSProp',
    {
      model: { activation: 'tanh', normalization: 'layernorm', dropout: { kind: 'standard', rate: 0.3 } },
      train: { optimizer: 'rmsprop', learningRate: 0.01 },
    },
  ],
  [
    'ELU, conic, standard dropout 0.1',
    { model: { activation: 'elu', shape: 'conic', width: 13, dropout: { kind: 'standard', rate: 0.1 } } },
  ],
  [
    'leaky ReLU + BatchNorm + alpha dropout 0.1, Adam',
    {
      model: { activation: 'leaky_relu', normalization: 'batchnorm', dropout: { kind: 'alpha', rate: 0.1 } },
      train: { optimizer: 'adam', learningRate: 0.01 },
    },
  ],
  ['swish', { model: { activation: 'swish' } }],
  [
    'GELU + LayerNorm, Adam',
    {
      model: { activation: 'gelu', normalization: 'layernorm' },
      train: { optimizer: 'adam', learningRate: 0.01 },
    },
  ],
  ['linear, regression (MSE)', { model: { activation: 'linear' }, regression: true }],
  [
    'SELU with custom α, λ + alpha dropout 0.1',
    { model: { selu: { alpha: 1.8, lambda: 1.02 }, dropout: { kind: 'alpha', rate: 0.1 } } },
  ],
];

describe('fused wasm MLP step against the tfjs path', () => {
  before(async () => {
    assert.ok(RELAXED, 'this engine validates relaxed SIMD');
    tf = (await initBackend('wasm')).tf;
    assert.deepEqual(loadedKernelVariants(), KERNELS);
  });

  for (const [name, variant, kernels] of VARIANTS.flatMap(([n, v]) =>
    KERNELS.map((k) => [n, v, k] as const),
  )) {
    it(`trains ${name} like tfjs (${kernels})`, async () => {
      const fused = await trace(variant, kernels);
      const ref = await trace(variant, false);
      // float32 with other summation orders and, in the kernels, other formulas for exp/erf (≤ 2e-7 relative):
      // after 3 steps through 3 layers the variables, losses and outputs agree to 1e-5 of their scale (the worst
      // case seen is 1e-6, so a wrong gradient term, mask or update formula, ~1e-2 and up, cannot pass).
      fused.results.forEach((r, s) => {
        const q = ref.results[s] as BatchResult;
        assert.ok(
          Math.abs(r.loss - q.loss) <= 1e-5 * Math.max(1, Math.abs(q.loss)),
          `step ${s} loss ${r.loss} vs ${q.loss}`,
        );
        assertClose(r.outputs, q.outputs, 1e-5, `step ${s} outputs`);
      });
      // The reporting step's statistics: distributions of the kept activations (after dropout: the same masks),
      // the weights used, gradient norms and update ratios (sums of 100–300 values: 1e-4 relative).
      const stats = (t: Trace): number[] =>
        (t.results[2]?.layers ?? []).flatMap((l) => [
          ...[l.pre.mean, l.pre.variance, l.post.mean, l.post.variance, l.post.min, l.post.max],
          ...[l.saturated, l.dead, l.weights.mean, l.weights.tauMean, l.gradNorm, l.updateRatio],
        ]);
      const [ours, theirs] = [stats(fused), stats(ref)];
      assert.equal(ours.length, 3 * 12);
      ours.forEach((v, i) => {
        const q = theirs[i] as number;
        assert.ok(Math.abs(v - q) <= 1e-4 * Math.max(1e-3, Math.abs(q)), `statistic ${i}: ${v} vs ${q}`);
      });
      assert.equal(fused.variables.length, ref.variables.length);
      fused.variables.forEach(([name, w], i) => assertClose(w, ref.variables[i]?.[1] ?? [], 1e-5, name));
      if (!fused.noisy) assertClose(fused.inference, ref.inference, 1e-5, 'inference outputs');
    });
  }

  it('draws the dropout masks of the tfjs path: the dropout stream of the run seed, row-major, layer after layer', () => {
    // 7 rows × 13 units (a column tail, and 91 values: not a multiple of 4), two layers, two steps.
    const v: Variant = {
      model: { depth: 2, width: 13, activation: 'linear', dropout: { kind: 'alpha', rate: 0.3 } },
    };
    const config = configOf(v);
    const model = buildModel(tf, config.model, DEFAULT_SELU, FEATURES, CLASSES, config.seed);
    const mlp = WasmMlp.create(tf, {
      ...{ model, config, selu: DEFAULT_SELU, task: 'classification' as const },
      ...{
        features: FEATURES,
        rows: 7,
        stats: { stats: config.stats, activation: 'linear' as const, selu: DEFAULT_SELU },
      },
    });
    assert.ok(mlp);
    const stream = createRng(deriveSeed(config.seed, 'dropout'));
    const { a, b, droppedValue } = alphaDropoutParams(0.3);
    const rng = createRng(5);
    let drops = 0;
    for (let s = 0; s < 2; s++) {
      const x = Float32Array.from({ length: 7 * FEATURES }, () => rng.normal());
      const y = Float32Array.from({ length: 7 }, () => rng.int(CLASSES));
      mlp.step(x, y, 7);
      for (const layer of [0, 1]) {
        const { pre, post } = mlp.layerValues(layer, 7);
        for (let e = 0; e < 7 * 13; e++) {
          const kept = stream.next() >= 0.3;
          const expected = kept
            ? Math.fround(Math.fround(a * (pre[e] as number)) + b)
            : Math.fround(droppedValue);
          // Kept: a·z + b in float32 (one rounding of the product, one of the sum; ≤ 2 ulps apart from ours).
          const tol = kept ? 3e-7 * Math.max(1, Math.abs(expected)) : 0;
          assert.ok(
            Math.abs((post[e] as number) - expected) <= tol,
            `step ${s} layer ${layer} unit ${e}: kept ${kept}`,
          );
          if (!kept) drops++;
        }
      }
    }
    assert.ok(drops > 60 && drops < 160, `the stream dropped ${drops} of 364 units (rate 0.3)`);
    mlp.dispose();
    model.dispose();
  });

  it('drops every unit when the rate is within 2⁻³² of 1 (the mask threshold does not fit 32 bits)', () => {
    const codes = dropoutCodes(
      configOf({ model: { dropout: { kind: 'alpha', rate: 1 - 2 ** -40 } } }).model,
      DEFAULT_SELU,
    );
    assert.deepEqual([codes.threshold, codes.scale, codes.offset], [0, 0, codes.dropped]);
    const half = dropoutCodes(
      configOf({ model: { dropout: { kind: 'standard', rate: 0.5 } } }).model,
      DEFAULT_SELU,
    );
    assert.deepEqual([half.kind, half.threshold >>> 0, half.scale, half.dropped], [2, 2 ** 31, 2, 0]);
  });

  it('reports a diverged step with the same first non-finite layer as the tfjs path, without updating', async () => {
    const run = async (fused: boolean): Promise<{ loss: number; layer?: number; updated: boolean }> => {
      setWasmKernelsEnabled(fused);
      try {
        const config = configOf({ train: { learningRate: 1e30 } });
        const model = buildModel(tf, config.model, DEFAULT_SELU, FEATURES, CLASSES, config.seed);
        const stepper = createStepper({
          ...{ tf, model, config, selu: DEFAULT_SELU, task: 'classification' as const },
          ...{ features: FEATURES, classes: CLASSES, rows: ROWS },
        });
        assert.equal(stepper.kind, fused ? 'wasm-fused' : 'tfjs');
        const rng = createRng(8);
        const x = Float32Array.from({ length: ROWS * FEATURES }, () => 10 * rng.normal());
        const y = Float32Array.from({ length: ROWS }, () => rng.int(CLASSES));
        assert.equal((await stepper.step(x, y, ROWS)).diverged, undefined);
        const before = model.trainable.map((v) => v.dataSync().slice());
        const second = await stepper.step(x, y, ROWS);
        const updated = model.trainable.some((v, i) =>
          v.dataSync().some((w, j) => !Object.is(w, before[i]?.[j])),
        );
        stepper.dispose();
        model.dispose();
        assert.ok(second.diverged, `loss ${second.loss} after a 1e30 step`);
        return { loss: second.loss, layer: second.diverged.layer, updated };
      } finally {
        setWasmKernelsEnabled(true);
      }
    };
    const [fused, ref] = [await run(true), await run(false)];
    assert.ok(!Number.isFinite(fused.loss));
    assert.equal(fused.updated, false, 'no update after a non-finite loss');
    assert.equal(fused.layer, ref.layer);
    assert.notEqual(fused.layer, undefined);
  });
});
