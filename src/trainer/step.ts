/**
 * One optimisation step: forward + backward with tf.variableGrads, weight decay, the optimiser update and
 * BatchNorm moving averages. On reporting steps the same pass also yields the tensors for per-layer statistics
 * (activations kept from the training forward pass, gradient norms, update ratios) — no extra forward.
 */
import type { NamedTensorMap, Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import type { Task } from '../core/config/experimentConfig';
import type { Tf } from './tf';
import { lossOf } from './evaluate';
import type { StepOptimizer } from './fusedAdam';
import type { ForwardResult, Model } from './model';
import { addWeightDecay } from './optimizers';
import { stackedNorms, updateRatios, type StatsTensors } from './layerStats';

export interface StepInput {
  x: Tensor2D;
  target: Tensor2D;
  /** Hidden layers to gather statistics for on this step (undefined: not a reporting step). */
  statsLayers?: number[];
}

export interface StepOutput {
  loss: number;
  /** Model outputs of the training pass (logits or predictions), row-major. */
  outputs: Float32Array;
  /** Present on reporting steps; consumed (disposed) by reduceLayerStats. */
  stats?: StatsTensors;
  /** True when the loss was not finite; the update was then skipped. */
  nonFinite: boolean;
}

export interface StepContext {
  tf: Tf;
  model: Model;
  optimizer: StepOptimizer;
  task: Task;
  weightDecay: number;
}

/** Runs one training step on a batch. */
export async function trainStep(ctx: StepContext, input: StepInput): Promise<StepOutput> {
  const { tf, model, optimizer } = ctx;
  const capture = input.statsLayers ? new Set(input.statsLayers) : undefined;
  let forward: ForwardResult | undefined;
  let output: Tensor2D | undefined;
  const { value, grads } = tf.variableGrads(() => {
    forward = model.forward(input.x, { training: true, capture });
    output = tf.keep(forward.output);
    return lossOf(tf, ctx.task, forward.output, input.target) as Scalar;
  }, model.trainable);
  const fwd = forward as ForwardResult;
  const out = output as Tensor2D;
  const [lossData, outData] = await Promise.all([value.data(), out.data()]);
  value.dispose();
  out.dispose();
  const loss = lossData[0] as number;
  if (!Number.isFinite(loss)) {
    disposeAll(grads, fwd);
    return { loss, outputs: outData as Float32Array, nonFinite: true };
  }
  let stats: StatsTensors | undefined;
  let oldWeights: Tensor[] = [];
  const statsLayers = input.statsLayers ?? [];
  const hidden = statsLayers.map((i) => model.layers[i] as Model['layers'][number]);
  if (input.statsLayers) {
    oldWeights = hidden.map((l) => tf.clone(l.w));
    stats = {
      layers: statsLayers,
      pre: fwd.pre,
      post: fwd.post,
      linear: fwd.linear,
      weights: new Map(statsLayers.map((index, k) => [index, oldWeights[k] as Tensor])),
      gradNorms: stackedNorms(
        tf,
        hidden.map((l) => grads[l.w.name] as Tensor),
      ),
    };
  }
  addWeightDecay(tf, grads, [...model.layers.map((l) => l.w), model.outW], ctx.weightDecay);
  optimizer.applyGradients(grads);
  tf.dispose(Object.values(grads));
  model.updateBatchNorm(fwd.bnMoments);
  if (stats) stats.updateRatios = updateRatios(tf, hidden, oldWeights);
  return { loss, outputs: outData as Float32Array, stats, nonFinite: false };
}

function disposeAll(grads: NamedTensorMap, fwd: ForwardResult): void {
  disposeTensors(Object.values(grads));
  disposeTensors([...fwd.pre.values(), ...fwd.post.values(), ...fwd.linear.values()]);
  for (const m of fwd.bnMoments) disposeTensors([m.mean, m.variance]);
}

function disposeTensors(tensors: Tensor[]): void {
  for (const t of tensors) t.dispose();
}
