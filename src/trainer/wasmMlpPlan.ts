/**
 * The memory plan of the fused MLP step (wasmMlp.ts): per hidden layer its activation/normalisation/dropout codes
 * for the kernels (assembly/activations.ts, layers.ts) and its work buffers on tfjs's heap, the output layer's, and
 * one gradient (and optimiser state) buffer per trainable variable. Everything is sized for `rows` rows per call.
 */
import type { Variable } from '@tensorflow/tfjs-core';
import type { Activation, ModelConfig, Normalization } from '../core/config/experimentConfig';
import { alphaDropoutParams } from '../core/theory/alphaDropout';
import type { SeluParams } from '../core/theory/constants';
import { LEAKY_RELU_SLOPE } from './activations';
import { HeapBlock } from './heapBuffers';
import type { KernelModule, WasmBackend } from './kernelModule';
import type { HiddenLayer, Model } from './model';

/** Activation codes of assembly/activations.ts. */
const ACTIVATION_CODES: Record<Activation, number> = {
  linear: 0,
  relu: 1,
  selu: 2,
  elu: 3,
  leaky_relu: 4,
  tanh: 5,
  swish: 6,
  gelu: 7,
};
const NORM_CODES: Record<Normalization, number> = { none: 0, batchnorm: 1, layernorm: 2 };

/** Dropout as the forward kernel takes it (assembly/layers.ts). */
export interface DropoutCodes {
  /** 0 none, 1 alpha, 2 standard. */
  kind: number;
  /** A unit is kept when its uniform draw u satisfies u·2³² ≥ threshold (as a signed 32-bit pattern). */
  threshold: number;
  scale: number;
  offset: number;
  dropped: number;
}

/**
 * The kernel's dropout parameters: the tfjs path keeps a unit when `rng.next() >= rate`, i.e. when the draw's
 * integer r satisfies r ≥ ⌈rate·2³²⌉. When that exceeds 2³² − 1 (rate within 2⁻³² of 1) every unit is dropped,
 * which the kernel does by keeping all with scale 0 and the dropped value as offset.
 */
export function dropoutCodes(config: ModelConfig, selu: SeluParams): DropoutCodes {
  const { rate, kind } = config.dropout;
  if (!(rate > 0)) return { kind: 0, threshold: 0, scale: 1, offset: 0, dropped: 0 };
  const alpha = kind === 'alpha';
  const p = alpha
    ? alphaDropoutParams(rate, config.fixedPoint, selu)
    : { a: 1 / (1 - rate), b: 0, droppedValue: 0 };
  const threshold = Math.ceil(rate * 2 ** 32);
  if (threshold > 0xffffffff) {
    return { kind: alpha ? 1 : 2, threshold: 0, scale: 0, offset: p.droppedValue, dropped: p.droppedValue };
  }
  return { kind: alpha ? 1 : 2, threshold: threshold | 0, scale: p.a, offset: p.b, dropped: p.droppedValue };
}

/** Activation code and its two parameters (SELU's λ and λα, leaky_relu's slope). */
export function activationCodes(name: Activation, selu: SeluParams): [number, number, number] {
  if (name === 'selu') return [ACTIVATION_CODES.selu, selu.lambda, selu.lambda * selu.alpha];
  if (name === 'leaky_relu') return [ACTIVATION_CODES.leaky_relu, LEAKY_RELU_SLOPE, 0];
  return [ACTIVATION_CODES[name], 0, 0];
}

/** Byte offsets of one hidden layer's buffers (equal offsets where the kernels skip a copy). */
export interface LayerBuffers {
  layer: HiddenLayer;
  /** Product a = x·W + b (the pre-normalisation values of a normalised layer). */
  a: number;
  /** The normalised a (0 without normalisation). */
  xhat: number;
  /** Pre-activation (= a without normalisation). */
  z: number;
  y: number;
  /** Output after dropout (= y without dropout). */
  h: number;
  /** Dropout gradient mask. */
  gm: number;
  mean: number;
  variance: number;
  /** 1/√(var + eps) per unit (BatchNorm) or per row (LayerNorm). */
  istd: number;
  /** A copy of the weights a reporting step's forward pass used (for the update ratio). */
  wBefore: number;
}

/** A trainable variable, where its gradient goes, whether it is decayed, and its optimiser state buffers. */
export interface Param {
  variable: Variable;
  grad: number;
  size: number;
  decay: boolean;
  state: [number, number];
}

export interface MlpPlan {
  block: HeapBlock;
  rows: number;
  norm: number;
  layers: LayerBuffers[];
  x: number;
  labels: number;
  logits: number;
  dLogits: number;
  /** Ping-pong buffers for the gradient of a layer's output, and one for its product's. */
  dh: [number, number];
  da: number;
  scratch: number;
  params: Param[];
}

/** Allocates every buffer of a step on `rows` rows of `features` inputs; `stateSlots` per variable (0–2). */
export function planMlp(
  module: KernelModule,
  backend: WasmBackend,
  spec: { model: Model; config: ModelConfig; features: number; rows: number; stateSlots: number },
): MlpPlan {
  const { model, config, features, rows, stateSlots } = spec;
  const norm = NORM_CODES[config.normalization];
  const dropout = config.dropout.rate > 0;
  const sizes: number[] = [];
  const want = (floats: number): number => sizes.push(floats) - 1;
  const widest = Math.max(features, model.outputs, ...model.layers.map((l) => l.units));
  // Scratch for the largest of every product the passes run (wasmMlpPasses.ts): C[m×n] over k.
  let scratch = 0;
  const products = (fanIn: number, units: number): void => {
    for (const [m, k, n] of [
      [rows, fanIn, units],
      [fanIn, rows, units],
      [rows, units, fanIn],
    ] as const) {
      scratch = Math.max(scratch, Math.ceil(module.exports.scratchBytes(m, k, n) / 4));
    }
  };
  const layerSlots = model.layers.map((l) => {
    const n = rows * l.units;
    products(l.fanIn, l.units);
    const a = want(n);
    return {
      layer: l,
      a,
      xhat: norm ? want(n) : -1,
      z: norm ? want(n) : a,
      y: want(n),
      hgm: dropout ? [want(n), want(n)] : undefined,
      stats: [want(l.units), want(l.units), want(Math.max(l.units, rows))],
      wBefore: want(l.fanIn * l.units),
    };
  });
  products(model.layers.at(-1)?.units ?? features, model.outputs);
  const fixed = {
    x: want(rows * features),
    labels: want(rows * model.outputs),
    logits: want(rows * model.outputs),
    dLogits: want(rows * model.outputs),
    dh: [want(rows * widest), want(rows * widest)],
    da: want(rows * widest),
    scratch: want(scratch),
  };
  const decayed = new Set([...model.layers.map((l) => l.w.name), model.outW.name]);
  const paramSlots = model.trainable.map((v) => ({
    variable: v,
    grad: want(v.size),
    state: [stateSlots > 0 ? want(v.size) : -1, stateSlots > 1 ? want(v.size) : -1],
  }));
  const block = new HeapBlock(backend, module, sizes);
  const ptr = (i: number): number => (i < 0 ? 0 : block.pointer(i));
  const layers: LayerBuffers[] = layerSlots.map((s) => {
    const y = ptr(s.y);
    return {
      layer: s.layer,
      a: ptr(s.a),
      xhat: ptr(s.xhat),
      z: ptr(s.z),
      y,
      h: s.hgm ? ptr(s.hgm[0] as number) : y,
      gm: s.hgm ? ptr(s.hgm[1] as number) : 0,
      mean: ptr(s.stats[0] as number),
      variance: ptr(s.stats[1] as number),
      istd: ptr(s.stats[2] as number),
      wBefore: ptr(s.wBefore),
    };
  });
  return {
    block,
    rows,
    norm,
    layers,
    x: ptr(fixed.x),
    labels: ptr(fixed.labels),
    logits: ptr(fixed.logits),
    dLogits: ptr(fixed.dLogits),
    dh: [ptr(fixed.dh[0] as number), ptr(fixed.dh[1] as number)],
    da: ptr(fixed.da),
    scratch: ptr(fixed.scratch),
    params: paramSlots.map((p) => ({
      variable: p.variable,
      grad: ptr(p.grad),
      size: p.variable.size,
      decay: decayed.has(p.variable.name),
      state: [ptr(p.state[0] as number), ptr(p.state[1] as number)],
    })),
  };
}
