// The fused wasm step (src/trainer/wasmMlp.ts) with the study features of the loop: early stopping's snapshot and
// restoreBest (the step updates the model's variables in place, so a snapshot must not follow those writes and a
// restored variable must be what the next inference reads), per-fold initialisation seeds, and the backends on which
// the loop falls back to the tfjs step.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { RunConfig } from '../../src/core/config/experimentConfig';
import { createRng } from '../../src/core/random';
import { DEFAULT_SELU } from '../../src/core/theory/constants';
import { initBackend } from '../../src/trainer/backend';
import { createStepper, type Stepper } from '../../src/trainer/batchStep';
import { EarlyStopping } from '../../src/trainer/earlyStopping';
import { buildModel, type Model } from '../../src/trainer/model';
import type { Tf } from '../../src/trainer/tf';
import { REPO_ROOT } from './helpers/forkTrainer';
import { enableRelaxedSimd } from './helpers/relaxedSimd';

process.env.SNN_LAB_WASM_DIR = path.join(REPO_ROOT, 'dist', 'wasm');
enableRelaxedSimd();

const FEATURES = 5;
const CLASSES = 3;
const ROWS = 16;

let tf: Tf;

function configOf(model: Partial<RunConfig['model']>, seed = 21): RunConfig {
  return {
    name: 'study',
    seed,
    data: { source: 'synthetic' } as RunConfig['data'],
    model: {
      depth: 3,
      width: 12,
      shape: 'rectangular',
      activation: 'selu',
      init: 'lecun_normal',
      normalization: 'none',
      dropout: { kind: 'alpha', rate: 0.1 },
      ...model,
    },
    train: { optimizer: 'adam', learningRate: 0.05, batchSize: ROWS, epochs: 3, weightDecay: 0 },
    stats: { everySteps: 50, bins: 20, range: 5, layers: 'all' },
  };
}

function setUp(config: RunConfig): { model: Model; stepper: Stepper } {
  const model = buildModel(tf, config.model, DEFAULT_SELU, FEATURES, CLASSES, config.seed);
  const stepper = createStepper({
    ...{ tf, model, config, selu: DEFAULT_SELU, task: 'classification' as const },
    ...{ features: FEATURES, classes: CLASSES, rows: ROWS },
  });
  return { model, stepper };
}

async function trainSteps(stepper: Stepper, steps: number, seed: number): Promise<void> {
  const rng = createRng(seed);
  for (let s = 0; s < steps; s++) {
    const x = Float32Array.from({ length: ROWS * FEATURES }, () => rng.normal());
    const y = Float32Array.from({ length: ROWS }, () => rng.int(CLASSES));
    const result = await stepper.step(x, y, ROWS);
    assert.equal(result.diverged, undefined);
  }
}

const probe = Float32Array.from({ length: 40 * FEATURES }, (_, i) => Math.sin(i * 0.7) * 2);

describe('fused wasm step with early stopping and study seeds', () => {
  before(async () => {
    tf = (await initBackend('wasm')).tf;
  });

  for (const [name, model] of [
    ['SELU + alpha dropout', {}],
    ['ReLU + BatchNorm (moving moments restored too)', { activation: 'relu', normalization: 'batchnorm' }],
  ] as const) {
    it(`restoreBest gives inference the best epoch's weights, untouched by later in-place updates: ${name}`, async () => {
      const { model: m, stepper } = setUp(configOf(model));
      assert.equal(stepper.kind, 'wasm-fused');
      const predict = stepper.predict;
      assert.ok(predict, 'the fused step predicts in wasm');
      const early = new EarlyStopping(tf, m, { metric: 'val_loss', patience: 5, restoreBest: true });
      await trainSteps(stepper, 4, 1);
      const best = predict(probe, 40);
      early.update({ val_loss: 0.5 }, 0, assert.fail);
      await trainSteps(stepper, 6, 2);
      const later = predict(probe, 40);
      // Adam at 0.05 for 6 steps moves every output far more than rounding could (checked so the test can fail).
      assert.ok(
        later.some((v, i) => Math.abs(v - (best[i] as number)) > 1e-3),
        'training changed the model',
      );
      early.update({ val_loss: 0.9 }, 1, assert.fail);
      assert.equal(early.restoreBest(1), 0);
      // Bit-identical: the same weights through the same kernels (no tolerance needed).
      assert.deepEqual(predict(probe, 40), best);
      // Training on from the restored weights writes into the variables' own copy, not into the snapshot.
      await trainSteps(stepper, 2, 3);
      assert.ok(m.trainable.every((v) => !v.isDisposed));
      early.dispose();
      stepper.dispose();
      m.dispose();
    });
  }

  it('per-fold seeds: different run seeds give different initial weights and the same seed the same', async () => {
    const outputs = (seed: number): Float32Array => {
      const { model, stepper } = setUp(configOf({}, seed));
      const out = (stepper.predict as NonNullable<Stepper['predict']>)(probe, 40);
      stepper.dispose();
      model.dispose();
      return out;
    };
    assert.deepEqual(outputs(7), outputs(7));
    assert.notDeepEqual(outputs(7), outputs(8));
  });

  it('falls back to the tfjs step on the cpu backend (the kernels are for wasm only)', async () => {
    const cpu = await initBackend('cpu');
    try {
      const model = buildModel(cpu.tf, configOf({}).model, DEFAULT_SELU, FEATURES, CLASSES, 3);
      const stepper = createStepper({
        ...{ tf: cpu.tf, model, config: configOf({}), selu: DEFAULT_SELU, task: 'classification' as const },
        ...{ features: FEATURES, classes: CLASSES, rows: ROWS },
      });
      assert.equal(stepper.kind, 'tfjs');
      assert.equal(stepper.predict, undefined);
      await trainSteps(stepper, 2, 4);
      stepper.dispose();
      model.dispose();
    } finally {
      tf = (await initBackend('wasm')).tf;
    }
  });
});
