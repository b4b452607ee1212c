/** Small, fully specified run plans and trainer messages for run-store unit tests. */
import type { RunConfig, RunPlan } from '../../../src/core/config/experimentConfig';
import type { RunId } from '../../../src/protocol/ids';
import type { LayerStats } from '../../../src/protocol/stats';
import type { TrainerToHost } from '../../../src/protocol/trainer';

export function tinyConfig(overrides: Partial<RunConfig> = {}): RunConfig {
  return {
    name: 'tiny',
    seed: 7,
    data: {
      source: 'synthetic',
      kind: 'blobs',
      samples: 64,
      features: 4,
      classes: 2,
      noise: 0.5,
      split: { test: 0.25, validation: 0.25, folds: 0, stratify: false },
      standardize: true,
    },
    model: {
      depth: 2,
      width: 8,
      shape: 'rectangular',
      activation: 'selu',
      init: 'lecun_normal',
      normalization: 'none',
      dropout: { kind: 'alpha', rate: 0 },
    },
    train: { optimizer: 'sgd', learningRate: 0.01, batchSize: 16, epochs: 2, weightDecay: 0 },
    stats: { everySteps: 1, bins: 4, range: 3, layers: 'all' },
    ...overrides,
  };
}

export function tinyPlan(name = 'tiny/SNN/model.depth=2'): RunPlan {
  return { name, variant: 'SNN', sweepPoint: { 'model.depth': 2 }, config: tinyConfig() };
}

const distribution = {
  mean: 0.1,
  variance: 1.2,
  min: -2,
  max: 3,
  percentiles: [-2, -1, -0.5, -0.2, 0, 0.3, 0.9, 1.5, 3],
  histogram: { lo: -3, hi: 3, counts: [1, 2, 3, 4], under: 0, over: 1 },
};

export function layer(index: number, gradNorm = 0.5): LayerStats {
  return {
    layer: index,
    units: 8,
    pre: distribution,
    post: distribution,
    saturated: 0.01,
    dead: 0,
    weights: { mean: 0, variance: 0.25, omegaMean: 0, omegaStd: 0.3, tauMean: 1, tauStd: 0.2 },
    gradNorm,
    updateRatio: Number.NaN,
  };
}

/** A plausible message sequence of a 2-epoch run with 2 steps per epoch. */
export function trainerMessages(runId: RunId): TrainerToHost[] {
  return [
    {
      type: 'ready',
      protocolVersion: 1,
      backend: { name: 'wasm', versions: { 'tfjs-core': '4.22.0' } },
      pid: 4242,
    },
    {
      type: 'started',
      runId,
      layers: [0, 1].map((i) => ({
        layer: i,
        units: 8,
        fanIn: i === 0 ? 4 : 8,
        activation: 'selu',
        normalization: 'none',
        dropout: 'none',
      })),
      totalSteps: 4,
      stepsPerEpoch: 2,
      samples: { train: 32, validation: 16, test: 16 },
      features: 4,
      classes: 2,
    },
    { type: 'layerStats', runId, step: 0, epoch: 0, layers: [layer(0), layer(1)] },
    { type: 'progress', runId, step: 1, epoch: 0, loss: 0.7, samplesPerSec: 1000 },
    { type: 'epochEnd', runId, epoch: 0, step: 2, metrics: { loss: 0.69, accuracy: 0.5, val_loss: 0.7 } },
    { type: 'log', level: 'info', message: 'halfway' },
    { type: 'progress', runId, step: 3, epoch: 1, loss: 0.6, samplesPerSec: 1100 },
    { type: 'epochEnd', runId, epoch: 1, step: 4, metrics: { loss: 0.6, accuracy: 0.75, val_loss: 0.65 } },
    {
      type: 'finished',
      runId,
      summary: {
        steps: 4,
        epochs: 2,
        durationMs: 120,
        final: { loss: 0.6, accuracy: 0.75 },
        test: { test_loss: 0.62, test_accuracy: 0.7, test_auc: Number.NaN },
        stoppedEarly: false,
        samplesPerSec: 1050,
      },
    },
  ];
}
