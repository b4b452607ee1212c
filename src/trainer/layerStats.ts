/**
 * tfjs glue for per-layer statistics: the tensors kept from the training pass (pre-activations, W x + b before a
 * normalisation, activations, the weights used, gradient and update norms) are read back in one batch (one Promise.all of .data()) and
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

/** Tensors gathered during one reporting step; everything here is disposed by `reduceLayerStats`. */
export interface StatsTensors {
  /** Hidden-layer indices, in report order. */
  layers: number[];
  pre: Map<number, Tensor>;
  post: Map<number, Tensor>;
  /** W x + b before the normalisation, for the layers of a normalised model (empty without one). */
  linear?: Map<number, Tensor>;
  /** Copies of the weight matrices used by the forward pass. */
  weights: Map<number, Tensor>;
  /** [layers.length] gradient L2 norms, absent in probe mode. */
  gradNorms?: Tensor;
  /** [layers.length] ||W_after − W_before|| / ||W_before||, absent in probe mode. */
  updateRatios?: Tensor;
}

/** A hidden layer's statistics apart from its index and width (the fused wasm step reduces them in wasm). */
export type LayerParts = Omit<LayerStats, 'layer' | 'units'>;

/** Which activations report the saturated fraction (SELU) and the dead-unit fraction (ReLU). */
export const reports = {
  saturation: (activation: Activation): boolean => activation === 'selu',
  deadUnits: (activation: Activation): boolean => activation === 'relu',
};

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
  const linearAt = new Map<number, number>();
  for (const i of tensors.layers) {
    const t = tensors.linear?.get(i);
    if (t) linearAt.set(i, order.push(t) - 1);
  }
  let data: ArrayLike<number>[];
  try {
    data = (await Promise.all(order.map((t) => t.data()))) as ArrayLike<number>[];
  } finally {
    for (const t of order) t.dispose();
  }
  const n = tensors.layers.length;
  const grad = tensors.gradNorms ? data[3 * n] : undefined;
  const ratio = tensors.updateRatios ? data[3 * n + (grad ? 1 : 0)] : undefined;
  const { stats, activation, selu } = context;
  return tensors.layers.map((index, k) => {
    const layer = model.layers[index] as HiddenLayer;
    const pre = data[3 * k] as ArrayLike<number>;
    const post = data[3 * k + 1] as ArrayLike<number>;
    const linear = linearAt.get(index);
    return layerStatsFrom(layer, {
      ...(linear === undefined
        ? {}
        : { linear: distribution(data[linear] as ArrayLike<number>, stats.range, stats.bins) }),
      pre: distribution(pre, stats.range, stats.bins),
      post: distribution(post, stats.range, stats.bins),
      saturated: reports.saturation(activation) ? saturatedFraction(post, alphaPrimeOf(selu)) : 0,
      dead: reports.deadUnits(activation)
        ? deadUnitFraction(post, post.length / layer.units, layer.units)
        : 0,
      weights: weightStats(data[3 * k + 2] as ArrayLike<number>, layer.fanIn, layer.units),
      gradNorm: grad ? (grad[k] as number) : NaN,
      updateRatio: ratio ? (ratio[k] as number) : NaN,
    });
  });
}

/** One layer's statistics: its index and width with its parts. */
export function layerStatsFrom(layer: HiddenLayer, parts: LayerParts): LayerStats {
  return { layer: layer.index, units: layer.units, ...parts };
}
