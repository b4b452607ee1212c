/**
 * One training batch for train() and the benchmarks: through the fused wasm step (wasmMlp.ts) when SNN Lab's kernels
 * are active, else through tfjs (step.ts, tensors and autodiff); either way the loss, the training outputs and, on
 * reporting steps, the layer statistics. Inference over a split goes the same way (`predict`).
 */
import type { RunConfig, Task } from '../core/config/experimentConfig';
import type { SeluParams } from '../core/theory/constants';
import type { LayerStats } from '../protocol/stats';
import type { Tf } from './tf';
import { firstNonFiniteLayer, targetTensor } from './evaluate';
import { reduceLayerStats, type StatsContext } from './layerStats';
import type { Model } from './model';
import { createOptimizer } from './optimizers';
import { trainStep } from './step';
import { WasmMlp } from './wasmMlp';

export interface BatchResult {
  loss: number;
  /** Model outputs of the training pass (logits or predictions), row-major. */
  outputs: Float32Array;
  /** Present on reporting steps. */
  layers?: LayerStats[];
  /** Set when the loss was not finite (the update was skipped): the first hidden layer with a non-finite value. */
  diverged?: { layer: number | undefined };
}

export interface Stepper {
  /** Which implementation trains: the fused wasm step or tfjs's ops. */
  kind: 'wasm-fused' | 'tfjs';
  /**
   * Trains on `rows` rows of x (row-major) with labels or targets y; reports statistics of `report` layers. The fused
   * step answers at once (no promise) unless the loss diverged; tfjs's step is asynchronous.
   */
  step(x: Float32Array, y: Float32Array, rows: number, report?: number[]): BatchResult | Promise<BatchResult>;
  /** Inference outputs for `rows` rows of x; undefined: use tfjs (evaluate.ts). */
  predict?: (x: Float32Array, rows: number) => Float32Array;
  dispose(): void;
}

export interface StepperOptions {
  tf: Tf;
  model: Model;
  config: Pick<RunConfig, 'model' | 'train' | 'seed' | 'stats'>;
  selu: SeluParams;
  task: Task;
  features: number;
  classes: number;
  /** The largest batch. */
  rows: number;
}

/** The fused step when the kernels are active (SNN_LAB_WASM_KERNELS not 0, wasm backend), else tfjs's. */
export function createStepper(options: StepperOptions): Stepper {
  const { tf, model, config, selu, task, features, classes } = options;
  const context: StatsContext = { stats: config.stats, activation: config.model.activation, selu };
  const fused = WasmMlp.create(tf, {
    model,
    config,
    selu,
    stats: context,
    task,
    features,
    rows: options.rows,
  });
  if (fused) {
    return {
      kind: 'wasm-fused',
      step(x, y, rows, report) {
        const out = fused.step(x, y, rows, report);
        const result: BatchResult = { loss: out.loss, outputs: out.outputs };
        if (out.nonFinite) {
          return divergedLayer(tf, model, x, rows, features).then((layer) => ({
            ...result,
            diverged: { layer },
          }));
        }
        if (out.layers) result.layers = out.layers;
        return result;
      },
      predict: (x, rows) => fused.predict(x, rows),
      dispose: () => fused.dispose(),
    };
  }
  const optimizer = createOptimizer(tf, config.train);
  return {
    kind: 'tfjs',
    async step(x, y, rows, report) {
      const xs = tf.tensor2d(x.subarray(0, rows * features), [rows, features]);
      const target = targetTensor(tf, { task, classes }, y.subarray(0, rows));
      try {
        const ctx = { tf, model, optimizer, task, weightDecay: config.train.weightDecay };
        const out = await trainStep(ctx, { x: xs, target, statsLayers: report });
        const result: BatchResult = { loss: out.loss, outputs: out.outputs };
        if (out.nonFinite) result.diverged = { layer: await firstNonFiniteLayer(tf, model, xs) };
        else if (out.stats) result.layers = await reduceLayerStats(out.stats, model, context);
        return result;
      } finally {
        xs.dispose();
        target.dispose();
      }
    },
    dispose: () => optimizer.dispose(),
  };
}

async function divergedLayer(
  tf: Tf,
  model: Model,
  x: Float32Array,
  rows: number,
  features: number,
): Promise<number | undefined> {
  const xs = tf.tensor2d(x.subarray(0, rows * features), [rows, features]);
  try {
    return await firstNonFiniteLayer(tf, model, xs);
  } finally {
    xs.dispose();
  }
}
