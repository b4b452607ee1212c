/**
 * buildModel: a dense network made of our own tf.variables (no tf.layers) — fast dense op, activation,
 * optional BatchNorm/LayerNorm and dropout per hidden layer, linear output. The forward pass can hand back every
 * hidden layer's pre-activation and activation so statistics come from the training pass itself.
 */
import type { Tensor, Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../core/config/experimentConfig';
import { layerWidths } from '../core/config/modelShape';
import { createRng, deriveSeed, type Rng } from '../core/random';
import type { SeluParams } from '../core/theory/constants';
import type { LayerInfo } from '../protocol/stats';
import { activate } from './activations';
import { applyDropout, type DropoutSpec } from './alphaDropout';
import type { Tf } from './tf';
import { makeFastDense, makeStockDense, type DenseOp } from './dense';
import { initWeights } from './init';

export const NORM_EPSILON = 1e-3; // Keras' BatchNormalization default.
export const BN_MOMENTUM = 0.99; // Keras' moving-average momentum.

export interface HiddenLayer {
  index: number;
  fanIn: number;
  units: number;
  w: Variable;
  b: Variable;
  gamma?: Variable;
  beta?: Variable;
  movingMean?: Variable;
  movingVar?: Variable;
}

export interface ForwardOptions {
  training: boolean;
  /**
   * Keep (tf.keep) and return pre-activations and activations of these hidden layers (and W x + b before the
   * normalisation, when the layers have one).
   */
  capture?: ReadonlySet<number>;
  /** Normalise BatchNorm with the batch's own moments even when not training (probe mode). */
  batchStats?: boolean;
}

export interface ForwardResult {
  output: Tensor2D;
  pre: Map<number, Tensor>;
  post: Map<number, Tensor>;
  /** W x + b before BatchNorm/LayerNorm (captured layers of a normalised model only). */
  linear: Map<number, Tensor>;
  /** BatchNorm batch moments (kept) for the moving-average update after the step. */
  bnMoments: { layer: HiddenLayer; mean: Tensor; variance: Tensor }[];
}

export interface Model {
  layers: HiddenLayer[];
  outW: Variable;
  outB: Variable;
  /** Output units (classes, or 1 for regression). */
  outputs: number;
  /** Trainable variables (weights, biases, norm scales/shifts). */
  trainable: Variable[];
  info: LayerInfo[];
  forward(x: Tensor2D, options: ForwardOptions): ForwardResult;
  /** Applies the moving-average update of BatchNorm statistics and disposes the moments. */
  updateBatchNorm(moments: ForwardResult['bnMoments']): void;
  dispose(): void;
}

/** Builds the network for `features` inputs and `outputs` outputs, initialised from `seed`. */
export function buildModel(
  tf: Tf,
  config: ModelConfig,
  selu: SeluParams,
  features: number,
  outputs: number,
  seed: number,
  gradient: 'fast' | 'stock' = 'fast',
): Model {
  const dense: DenseOp = gradient === 'fast' ? makeFastDense(tf) : makeStockDense(tf);
  const firstDense: DenseOp = gradient === 'fast' ? makeFastDense(tf, { inputGradient: false }) : dense;
  const initRng = createRng(deriveSeed(seed, 'init'));
  const dropoutRng: Rng = createRng(deriveSeed(seed, 'dropout'));
  const widths = layerWidths(config, outputs);
  const layers: HiddenLayer[] = [];
  let fanIn = features;
  widths.forEach((units, index) => {
    const layer: HiddenLayer = {
      index,
      fanIn,
      units,
      w: tf.variable(tf.tensor2d(initWeights(config.init, fanIn, units, initRng), [fanIn, units])),
      b: tf.variable(tf.zeros([units])),
    };
    if (config.normalization !== 'none') {
      layer.gamma = tf.variable(tf.ones([units]));
      layer.beta = tf.variable(tf.zeros([units]));
    }
    if (config.normalization === 'batchnorm') {
      layer.movingMean = tf.variable(tf.zeros([units]), false);
      layer.movingVar = tf.variable(tf.ones([units]), false);
    }
    layers.push(layer);
    fanIn = units;
  });
  // Output layer: LeCun normal for every model, so baselines differ only in their hidden layers.
  const outW = tf.variable(
    tf.tensor2d(initWeights('lecun_normal', fanIn, outputs, initRng), [fanIn, outputs]),
  );
  const outB = tf.variable(tf.zeros([outputs]));
  const trainable = [
    ...layers.flatMap((l) => [l.w, l.b, ...(l.gamma && l.beta ? [l.gamma, l.beta] : [])]),
    outW,
    outB,
  ];
  const dropout: DropoutSpec = { config: config.dropout, selu, fixedPoint: config.fixedPoint };
  const dropoutLabel = config.dropout.rate > 0 ? `${config.dropout.kind} ${config.dropout.rate}` : 'none';
  const info: LayerInfo[] = layers.map((l) => ({
    layer: l.index,
    units: l.units,
    fanIn: l.fanIn,
    activation: config.activation,
    normalization: config.normalization,
    dropout: dropoutLabel,
  }));

  function normalise(layer: HiddenLayer, z: Tensor, options: ForwardOptions, result: ForwardResult): Tensor {
    const { gamma, beta } = layer;
    if (!gamma || !beta) return z;
    if (config.normalization === 'layernorm') {
      const { mean, variance } = tf.moments(z, -1, true);
      return tf.add(tf.mul(tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, NORM_EPSILON))), gamma), beta);
    }
    let mean: Tensor;
    let variance: Tensor;
    if (options.training || options.batchStats) {
      ({ mean, variance } = tf.moments(z, 0));
      if (options.training) {
        result.bnMoments.push({ layer, mean: tf.keep(mean), variance: tf.keep(variance) });
      }
    } else {
      mean = layer.movingMean as Tensor;
      variance = layer.movingVar as Tensor;
    }
    return tf.batchNorm(z, mean, variance, beta, gamma, NORM_EPSILON);
  }

  function forward(x: Tensor2D, options: ForwardOptions): ForwardResult {
    const result: ForwardResult = {
      ...{ output: x, pre: new Map(), post: new Map(), linear: new Map() },
      bnMoments: [],
    };
    let h: Tensor = x;
    for (const layer of layers) {
      const a = (layer.index === 0 ? firstDense : dense)(
        h as Tensor2D,
        layer.w as Tensor2D,
        layer.b as Tensor1D,
      );
      const z = normalise(layer, a, options, result);
      let y = activate(tf, config.activation, z, selu);
      if (options.training) y = applyDropout(tf, y, dropout, dropoutRng);
      if (options.capture?.has(layer.index)) {
        result.pre.set(layer.index, tf.keep(z));
        result.post.set(layer.index, tf.keep(y));
        if (z !== a) result.linear.set(layer.index, tf.keep(a));
      }
      h = y;
    }
    result.output = dense(h as Tensor2D, outW as Tensor2D, outB as Tensor1D);
    return result;
  }

  function updateBatchNorm(moments: ForwardResult['bnMoments']): void {
    for (const { layer, mean, variance } of moments) {
      if (layer.movingMean && layer.movingVar) {
        const mm = layer.movingMean;
        const mv = layer.movingVar;
        tf.tidy(() => {
          mm.assign(tf.add(tf.mul(mm, BN_MOMENTUM), tf.mul(mean, 1 - BN_MOMENTUM)));
          mv.assign(tf.add(tf.mul(mv, BN_MOMENTUM), tf.mul(variance, 1 - BN_MOMENTUM)));
        });
      }
      mean.dispose();
      variance.dispose();
    }
  }

  function dispose(): void {
    for (const l of layers) {
      for (const v of [l.w, l.b, l.gamma, l.beta, l.movingMean, l.movingVar]) v?.dispose();
    }
    outW.dispose();
    outB.dispose();
  }

  return { layers, outW, outB, outputs, trainable, info, forward, updateBatchNorm, dispose };
}
