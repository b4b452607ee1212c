/**
 * tfjs glue for per-layer statistics: the tensors kept from the training pass (pre-activations, activations,
 * the weights used, gradient and update norms) are read back in one batch (one Promise.all of .data()) and
 * reduced in JS by src/core/statistics.ts (docs/tfjs.md §3: cheapest on both wasm and cpu).
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Activation, StatsConfig } from '../core/config/experimentConfig';
import { deadUnitFraction, distribution, saturatedFraction, weightStats } from '../core/statistics';
import { alphaPrimeOf, type SeluParams } from '../core/theory/constants';
import type { LayerStats } from '../protocol/stats';
import type { Tf } from './tf';
import type { HiddenLayer } from './model';
import { wasmKernelsActive } from './wasmKernels';

/** What one reporting step gathers, as tensors (tfjs step) or arrays (fused wasm step, wasmMlp.ts). */
export interface StatsCapture<T> {
  /** Hidden-layer indices, in report order. */
  layers: number[];
  pre: Map<number, T>;
  post: Map<number, T>;
  /** Copies of the weight matrices used by the forward pass. */
  weights: Map<number, T>;
  /** [layers.length] gradient L2 norms, absent in probe mode. */
  gradNorms?: T;
  /** [layers.length] ||W_after − W_before|| / ||W_before||, absent in probe mode. */
  updateRatios?: T;
}

/** Tensors gathered during one reporting step; everything here is disposed by `reduceLayerStats`. */
export type StatsTensors = StatsCapture<Tensor>;

/** The same, read back (or copied out of the fused step's buffers). */
export type StatsArrays = StatsCapture<ArrayLike<number>>;

export interface StatsContext {
  stats: StatsConfig;
  activation: Activation;
  selu: SeluParams;
}

/** Which hidden layers a run reports on. */
export function statsLayers(stats: StatsConfig, depth: number): number[] {
  const all = Array.from({ length: depth }, (_, i) => i);
  return stats.layers === 'all' ? all : all.filter((i) => (stats.layers as number[]).includes(i));
}

/** L2 norm of every tensor, stacked: sqrt(sum(square(t))) (cheaper than tf.norm's Pow kernel on wasm). */
export function stackedNorms(tf: Tf, tensors: Tensor[]): Tensor {
  // On wasm one SnnNorms kernel reads every tensor once (float64 sums) instead of 3 kernels per tensor.
  if (wasmKernelsActive(tf)) {
    return tf
      .engine()
      .runKernel('SnnNorms', Object.fromEntries(tensors.map((t, i) => [`x${i}`, t]))) as Tensor;
  }
  return tf.tidy(() => tf.stack(tensors.map((t) => tf.sqrt(tf.sum(tf.square(t))))));
}

/** Update ratios ||W − W_old|| / ||W_old|| for the given layers (W = current variable values). */
export function updateRatios(tf: Tf, layers: HiddenLayer[], old: Tensor[]): Tensor {
  if (wasmKernelsActive(tf)) {
    const inputs = Object.fromEntries(
      layers.flatMap((l, i) => [
        [`a${i}`, l.w],
        [`b${i}`, old[i] as Tensor],
      ]),
    );
    return tf.engine().runKernel('SnnUpdateRatios', inputs) as Tensor;
  }
  return tf.tidy(() =>
    tf.div(
      stackedNorms(
        tf,
        layers.map((l, i) => tf.sub(l.w, old[i] as Tensor)),
      ),
      stackedNorms(tf, old),
    ),
  );
}

/** Reads the tensors back in one batch, disposes them and reduces them to LayerStats. */
export async function reduceLayerStats(
  tensors: StatsTensors,
  model: { layers: HiddenLayer[] },
  context: StatsContext,
): Promise<LayerStats[]> {
  const order: Tensor[] = [];
  for (const i of tensors.layers) {
    order.push(tensors.pre.get(i) as Tensor, tensors.post.get(i) as Tensor, tensors.weights.get(i) as Tensor);
  }
  if (tensors.gradNorms) order.push(tensors.gradNorms);
  if (tensors.updateRatios) order.push(tensors.updateRatios);
  let data: ArrayLike<number>[];
  try {
    data = (await Promise.all(order.map((t) => t.data()))) as ArrayLike<number>[];
  } finally {
    for (const t of order) t.dispose();
  }
  const n = tensors.layers.length;
  const arrays: StatsArrays = { layers: tensors.layers, pre: new Map(), post: new Map(), weights: new Map() };
  tensors.layers.forEach((index, k) => {
    arrays.pre.set(index, data[3 * k] as ArrayLike<number>);
    arrays.post.set(index, data[3 * k + 1] as ArrayLike<number>);
    arrays.weights.set(index, data[3 * k + 2] as ArrayLike<number>);
  });
  if (tensors.gradNorms) arrays.gradNorms = data[3 * n];
  if (tensors.updateRatios) arrays.updateRatios = data[3 * n + (tensors.gradNorms ? 1 : 0)];
  return layerStatsOf(arrays, model, context);
}

/** Reduces a reporting step's arrays to LayerStats (distributions, saturation, dead units, weights, norms). */
export function layerStatsOf(
  arrays: StatsArrays,
  model: { layers: HiddenLayer[] },
  context: StatsContext,
): LayerStats[] {
  const { stats, activation, selu } = context;
  const saturation = alphaPrimeOf(selu);
  const grad = arrays.gradNorms;
  const ratio = arrays.updateRatios;
  return arrays.layers.map((index, k) => {
    const layer = model.layers[index] as HiddenLayer;
    const pre = arrays.pre.get(index) as ArrayLike<number>;
    const post = arrays.post.get(index) as ArrayLike<number>;
    const w = arrays.weights.get(index) as ArrayLike<number>;
    const rows = post.length / layer.units;
    return {
      layer: index,
      units: layer.units,
      pre: distribution(pre, stats.range, stats.bins),
      post: distribution(post, stats.range, stats.bins),
      saturated: activation === 'selu' ? saturatedFraction(post, saturation) : 0,
      dead: activation === 'relu' ? deadUnitFraction(post, rows, layer.units) : 0,
      weights: weightStats(w, layer.fanIn, layer.units),
      gradNorm: grad ? (grad[k] as number) : NaN,
      updateRatio: ratio ? (ratio[k] as number) : NaN,
    };
  });
}
