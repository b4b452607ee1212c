/**
 * tfjs glue for per-layer statistics: the tensors kept from the training pass (pre-activations, activations,
 * the weights used, gradient and update norms) are read back in one batch (one Promise.all of .data()) and
 * reduced in JS by src/core/statistics.ts (docs/tfjs.md §3: cheapest on both wasm and cpu).
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Activation, StatsConfig } from '../core/config/experimentConfig';
import { deadUnitFraction, distribution, saturatedFraction, weightStats } from '../core/statistics';
import { alphaPrimeOf, type SeluParams } from '../core/theory/constants';
import type { Distribution } from '../core/statisticsTypes';
import type { LayerStats } from '../protocol/stats';
import type { Tf } from './tf';
import type { HiddenLayer } from './model';
import { wasmKernelsActive } from './wasmKernels';

/** Tensors gathered during one reporting step; everything here is disposed by `reduceLayerStats`. */
export interface StatsTensors {
  /** Hidden-layer indices, in report order. */
  layers: number[];
  pre: Map<number, Tensor>;
  post: Map<number, Tensor>;
  /** Copies of the weight matrices used by the forward pass. */
  weights: Map<number, Tensor>;
  /** [layers.length] gradient L2 norms, absent in probe mode. */
  gradNorms?: Tensor;
  /** [layers.length] ||W_after − W_before|| / ||W_before||, absent in probe mode. */
  updateRatios?: Tensor;
}

/** One layer's reduced pieces (the fused wasm step reduces its distributions in wasm: wasmStats.ts). */
export interface LayerParts {
  pre: Distribution;
  post: Distribution;
  /** The layer's outputs, [rows, units] row-major (for saturation and dead units). */
  postValues: ArrayLike<number>;
  /** The weights the forward pass used, [fanIn, units]. */
  weights: ArrayLike<number>;
  gradNorm: number;
  updateRatio: number;
}

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
  const grad = tensors.gradNorms ? data[3 * n] : undefined;
  const ratio = tensors.updateRatios ? data[3 * n + (grad ? 1 : 0)] : undefined;
  const { range, bins } = context.stats;
  return tensors.layers.map((index, k) => {
    const pre = data[3 * k] as ArrayLike<number>;
    const post = data[3 * k + 1] as ArrayLike<number>;
    return layerStatsFrom(
      model.layers[index] as HiddenLayer,
      {
        pre: distribution(pre, range, bins),
        post: distribution(post, range, bins),
        postValues: post,
        weights: data[3 * k + 2] as ArrayLike<number>,
        gradNorm: grad ? (grad[k] as number) : NaN,
        updateRatio: ratio ? (ratio[k] as number) : NaN,
      },
      context,
    );
  });
}

/** One layer's statistics from its parts: saturation (SELU), dead units (ReLU) and weight statistics added. */
export function layerStatsFrom(layer: HiddenLayer, parts: LayerParts, context: StatsContext): LayerStats {
  const { activation, selu } = context;
  const post = parts.postValues;
  return {
    layer: layer.index,
    units: layer.units,
    pre: parts.pre,
    post: parts.post,
    saturated: activation === 'selu' ? saturatedFraction(post, alphaPrimeOf(selu)) : 0,
    dead: activation === 'relu' ? deadUnitFraction(post, post.length / layer.units, layer.units) : 0,
    weights: weightStats(parts.weights, layer.fanIn, layer.units),
    gradNorm: parts.gradNorm,
    updateRatio: parts.updateRatio,
  };
}
