/**
 * Probe mode: forward one large batch through the freshly initialised network (no training) and report every
 * layer's statistics at step 0 — signal propagation at initialisation. Input: the run's training data when
 * given, else N(0, I) drawn from the run's seed.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { RunConfig } from '../core/config/experimentConfig';
import { createRng, deriveSeed } from '../core/random';
import type { RunId } from '../protocol/ids';
import type { RunSummary } from '../protocol/stats';
import type { TrainerToHost } from '../protocol/trainer';
import type { Dataset } from '../node/data/dataset';
import type { Tf } from './tf';
import { reduceLayerStats, statsLayers } from './layerStats';
import { buildModel } from './model';
import { seluFor } from './seluConfig';

export interface ProbeOptions {
  tf: Tf;
  runId: RunId;
  sink: (message: TrainerToHost) => void;
  now: () => number;
  samples: number;
  /** Input data; absent means N(0, I) with `features` columns. */
  data?: Dataset;
  features: number;
  classes: number;
}

/** Runs the probe and returns a summary with zero steps. */
export async function probe(config: RunConfig, options: ProbeOptions): Promise<RunSummary> {
  const { tf, runId, sink, now, data } = options;
  const started = now();
  const features = data?.features ?? options.features;
  const classes = data?.classes ?? options.classes;
  let input: Float32Array;
  let rows: number;
  if (data && data.train.n > 0) {
    rows = Math.min(options.samples, data.train.n);
    input = data.train.x.slice(0, rows * features);
  } else {
    rows = options.samples;
    const rng = createRng(deriveSeed(config.seed, 'probe'));
    input = new Float32Array(rows * features);
    for (let i = 0; i < input.length; i++) input[i] = rng.normal();
  }
  const selu = seluFor(config.model);
  const outputs = data?.task === 'regression' ? 1 : classes;
  const model = buildModel(tf, config.model, selu, features, outputs, config.seed);
  try {
    const layers = statsLayers(config.stats, model.layers.length);
    sink({
      type: 'started',
      runId,
      layers: model.info,
      totalSteps: 0,
      stepsPerEpoch: 0,
      samples: { train: rows, validation: 0, test: 0 },
      features,
      classes,
    });
    let pre = new Map<number, Tensor>();
    let post = new Map<number, Tensor>();
    let linear = new Map<number, Tensor>();
    tf.tidy(() => {
      const x = tf.tensor2d(input, [rows, features]);
      ({ pre, post, linear } = model.forward(x, {
        ...{ training: false, batchStats: true },
        capture: new Set(layers),
      }));
    });
    const weights = new Map(
      layers.map((i) => [i, tf.clone((model.layers[i] as (typeof model.layers)[number]).w) as Tensor]),
    );
    const stats = await reduceLayerStats({ layers, pre, post, linear, weights }, model, {
      stats: config.stats,
      activation: config.model.activation,
      selu,
    });
    sink({ type: 'layerStats', runId, step: 0, epoch: 0, layers: stats });
    const durationMs = now() - started;
    return {
      steps: 0,
      epochs: 0,
      durationMs,
      final: {},
      test: {},
      stoppedEarly: false,
      samplesPerSec: rows / Math.max(1e-3, durationMs / 1000),
    };
  } finally {
    model.dispose();
  }
}
