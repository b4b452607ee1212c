/**
 * Data plumbing around the model: gathering batches from the row-major data set, the training loss, inference
 * over a whole split in chunks with metrics computed in JS, and locating the first non-finite layer of a
 * diverged network.
 */
import type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { EVALUATION_CHUNK_ROWS } from '../core/config/modelShape';
import { classificationMetrics, meanSquaredError } from '../core/metrics';
import type { Metrics } from '../protocol/stats';
import type { Dataset, DataSplit } from '../node/data/dataset';
import type { Tf } from './tf';
import type { ForwardResult, Model } from './model';

const EVAL_CHUNK = EVALUATION_CHUNK_ROWS;

/** Copies the rows `indices[from..to)` of a split into new feature and target arrays. */
export function gatherRows(
  split: DataSplit,
  features: number,
  indices: ArrayLike<number>,
  from: number,
  to: number,
): { x: Float32Array; y: Float32Array } {
  const rows = to - from;
  const x = new Float32Array(rows * features);
  const y = new Float32Array(rows);
  const source = split.x;
  // Element by element: a subarray per row allocated a view object 128 times a step (garbage for the GC threads).
  for (let r = 0; r < rows; r++) {
    const i = indices[from + r] as number;
    for (let f = 0; f < features; f++) x[r * features + f] = source[i * features + f] as number;
    y[r] = split.y[i] as number;
  }
  return { x, y };
}

/** Target tensor for the loss: one-hot [rows, classes] for classification, [rows, 1] for regression. */
export function targetTensor(tf: Tf, data: Pick<Dataset, 'task' | 'classes'>, y: Float32Array): Tensor2D {
  if (data.task === 'regression') return tf.tensor2d(y, [y.length, 1]);
  const oneHot = new Float32Array(y.length * data.classes);
  for (let i = 0; i < y.length; i++) oneHot[i * data.classes + (y[i] as number)] = 1;
  return tf.tensor2d(oneHot, [y.length, data.classes]);
}

/** Mean softmax cross-entropy (classification) or mean squared error (regression). */
export function lossOf(tf: Tf, task: Dataset['task'], output: Tensor2D, target: Tensor2D): Scalar {
  return task === 'regression'
    ? (tf.losses.meanSquaredError(target, output) as Scalar)
    : (tf.losses.softmaxCrossEntropy(target, output) as Scalar);
}

/** Metrics of model outputs against labels: loss/accuracy/auc (classification) or loss/mse (regression). */
export function metricsOf(
  data: Dataset,
  outputs: ArrayLike<number>,
  labels: ArrayLike<number>,
  prefix = '',
): Metrics {
  if (data.task === 'regression') {
    const mse = meanSquaredError(outputs, labels);
    return { [`${prefix}loss`]: mse, [`${prefix}mse`]: mse };
  }
  const m = classificationMetrics(outputs, labels, data.classes);
  return { [`${prefix}loss`]: m.loss, [`${prefix}accuracy`]: m.accuracy, [`${prefix}auc`]: m.auc };
}

/** Inference outputs for rows of x: the fused wasm step's (batchStep.ts), when the trainer has it. */
export type Predict = (x: Float32Array, rows: number) => Float32Array;

/** Runs the model in inference mode over a split and returns its metrics (empty for an empty split). */
export async function evaluateSplit(
  tf: Tf,
  model: Model,
  data: Dataset,
  split: DataSplit,
  prefix: string,
  predict?: Predict,
): Promise<Metrics> {
  if (split.n === 0) return {};
  return metricsOf(data, await predictSplit(tf, model, data, split, predict), split.y, prefix);
}

/**
 * The model's raw outputs (logits, or the regression value) for every row of a split, row-major: through `predict`
 * when given, else with tfjs in chunks.
 */
export async function predictSplit(
  tf: Tf,
  model: Model,
  data: Dataset,
  split: DataSplit,
  predict?: Predict,
): Promise<Float32Array> {
  if (predict) return predict(split.x, split.n);
  const outputs = new Float32Array(split.n * model.outputs);
  for (let from = 0; from < split.n; from += EVAL_CHUNK) {
    const to = Math.min(split.n, from + EVAL_CHUNK);
    const out = tf.tidy(() => {
      const x = tf.tensor2d(split.x.subarray(from * data.features, to * data.features), [
        to - from,
        data.features,
      ]);
      return model.forward(x, { training: false }).output;
    });
    outputs.set(await out.data(), from * model.outputs);
    out.dispose();
  }
  return outputs;
}

function hasNonFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i] as number)) return true;
  return false;
}

/** First hidden layer whose weights, pre-activations or activations on `x` contain a non-finite value. */
export async function firstNonFiniteLayer(tf: Tf, model: Model, x: Tensor2D): Promise<number | undefined> {
  const all = new Set(model.layers.map((l) => l.index));
  let result: ForwardResult | undefined;
  tf.tidy(() => {
    result = model.forward(x, { training: false, batchStats: true, capture: all });
  });
  const { pre, post } = result as ForwardResult;
  try {
    for (const layer of model.layers) {
      const tensors: Tensor[] = [
        layer.w,
        layer.b,
        pre.get(layer.index) as Tensor,
        post.get(layer.index) as Tensor,
      ];
      const values = await Promise.all(tensors.map((t) => t.data()));
      if (values.some((v) => hasNonFinite(v as ArrayLike<number>))) return layer.index;
    }
    return undefined;
  } finally {
    for (const t of [...pre.values(), ...post.values()]) t.dispose();
  }
}
