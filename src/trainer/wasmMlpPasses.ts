/**
 * The passes of the fused MLP step (wasmMlp.ts) over its plan (wasmMlpPlan.ts): forward (one product and one fused
 * normalisation + activation + dropout call per layer), backward (one fused call and two products per layer, none
 * for the data's gradient) and the optimiser update (one call per variable, tfjs's formulas).
 */
import type { Variable } from '@tensorflow/tfjs-core';
import type { TrainConfig } from '../core/config/experimentConfig';
import type { KernelExports } from './kernelModule';
import { BN_MOMENTUM, NORM_EPSILON, type Model } from './model';
import { ADAM, MOMENTUM, RMSPROP_DECAY } from './optimizers';
import type { DropoutCodes, MlpPlan, Param } from './wasmMlpPlan';

/** What the passes need from the step. */
export interface PassContext {
  k: KernelExports;
  plan: MlpPlan;
  model: Model;
  features: number;
  act: [number, number, number];
  drop: DropoutCodes;
  /** Byte offset of a variable's values. */
  at(v: Variable): number;
  /** A variable's gradient buffer and optimiser state. */
  param(v: Variable | undefined): Param;
}

/** C[m×n] = A[m×k]·B[k×n] (+ bias), all row-major. */
function product(
  c: PassContext,
  a: number,
  b: number,
  out: number,
  bias: number,
  m: number,
  k: number,
  n: number,
): void {
  c.k.matmul(a, 4 * k, 4, b, 4 * n, 4, out, bias, m, k, n, c.plan.scratch);
}

/**
 * C[m×n] = A·B with one operand stored transposed: `stored` 'At' for a k×m A (a weight gradient: inputsᵀ·dA), 'Bt'
 * for an n×k B (an input gradient: dA·Wᵀ). The kernel reads the stored matrix with swapped strides.
 */
function productT(
  c: PassContext,
  stored: 'At' | 'Bt',
  a: number,
  b: number,
  out: number,
  m: number,
  k: number,
  n: number,
): void {
  const at = stored === 'At';
  c.k.matmul(
    a,
    at ? 4 : 4 * k,
    at ? 4 * m : 4,
    b,
    at ? 4 * n : 4,
    at ? 4 : 4 * k,
    out,
    0,
    m,
    k,
    n,
    c.plan.scratch,
  );
}

/**
 * Runs the network on `rows` rows already in the x buffer; training: batch moments and dropout (masks drawn from
 * the stream at `state`). Returns the stream's new state. Logits end in plan.logits.
 */
export function forwardPass(c: PassContext, rows: number, training: boolean, state: number): number {
  const { plan, act } = c;
  // Plain arguments, no spreads or closures: this runs every step and TurboFan compiles it on a helper thread
  // (docs/performance.md, "Sweep (session 6)"); the inference call reads no dropout object of another shape.
  const d = c.drop;
  const dropKind = training ? d.kind : 0;
  let input = plan.x;
  let fanIn = c.features;
  for (const b of plan.layers) {
    const l = b.layer;
    product(c, input, c.at(l.w), b.a, c.at(l.b), rows, fanIn, l.units);
    const moving = plan.norm === 1 && !training && l.movingMean && l.movingVar;
    const mean = moving ? c.at(l.movingMean as Variable) : b.mean;
    const variance = moving ? c.at(l.movingVar as Variable) : b.variance;
    const gamma = l.gamma ? c.at(l.gamma) : 0;
    const beta = l.beta ? c.at(l.beta) : 0;
    state = c.k.layerForward(
      b.a,
      b.xhat,
      b.z,
      b.y,
      b.h,
      b.gm,
      rows,
      l.units,
      act[0],
      act[1],
      act[2],
      plan.norm,
      gamma,
      beta,
      mean,
      variance,
      b.istd,
      NORM_EPSILON,
      training ? 1 : 0,
      dropKind,
      training ? d.threshold : 0,
      training ? d.scale : 1,
      training ? d.offset : 0,
      training ? d.dropped : 0,
      state,
    );
    input = training ? b.h : b.y;
    fanIn = l.units;
  }
  product(c, input, c.at(c.model.outW), plan.logits, c.at(c.model.outB), rows, fanIn, c.model.outputs);
  return state;
}

/** Gradients of every variable into their buffers, from plan.dLogits down to the first layer. */
export function backwardPass(c: PassContext, rows: number): void {
  const { k, plan, act, model } = c;
  const layers = plan.layers;
  const classes = model.outputs;
  const last = layers.at(-1);
  const lastUnits = last?.layer.units ?? c.features;
  productT(c, 'At', last?.h ?? plan.x, plan.dLogits, c.param(model.outW).grad, lastUnits, rows, classes);
  k.columnSums(plan.dLogits, c.param(model.outB).grad, rows, classes);
  let [dh, spare] = plan.dh;
  if (last) productT(c, 'Bt', plan.dLogits, c.at(model.outW), dh, rows, classes, lastUnits);
  for (let i = layers.length - 1; i >= 0; i--) {
    const b = layers[i] as MlpPlan['layers'][number];
    const l = b.layer;
    const norm = l.gamma !== undefined && l.beta !== undefined;
    k.layerBackward(
      dh,
      b.y,
      b.z,
      b.gm,
      plan.da,
      rows,
      l.units,
      act[0],
      act[1],
      act[2],
      c.drop.kind,
      plan.norm,
      b.xhat,
      norm ? c.at(l.gamma as Variable) : 0,
      b.istd,
      norm ? c.param(l.gamma).grad : 0,
      norm ? c.param(l.beta).grad : 0,
      c.param(l.b).grad,
    );
    const input = i > 0 ? (layers[i - 1] as MlpPlan['layers'][number]).h : plan.x;
    productT(c, 'At', input, plan.da, c.param(l.w).grad, l.fanIn, rows, l.units);
    if (i > 0) {
      productT(c, 'Bt', plan.da, c.at(l.w), spare, rows, l.units, l.fanIn);
      [dh, spare] = [spare, dh];
    }
  }
}

/**
 * Weight decay, the optimiser update of every variable (step: the 1-based update count, for Adam's bias
 * corrections; eps: the backend's epsilon, RMSProp's) and BatchNorm's moving moments.
 */
export function updatePass(c: PassContext, train: TrainConfig, step: number, eps: number): void {
  const { k, plan } = c;
  const lr = train.learningRate;
  const root2 = Math.sqrt(1 - ADAM.beta2 ** step);
  const alpha = (lr * root2) / (1 - ADAM.beta1 ** step);
  for (const p of plan.params) {
    const w = c.at(p.variable);
    if (p.decay && train.weightDecay > 0) k.addDecay(p.grad, w, p.size, train.weightDecay);
    const [s1, s2] = p.state;
    switch (train.optimizer) {
      case 'sgd':
        k.sgd(w, p.grad, p.size, lr);
        break;
      case 'momentum':
        k.momentum(w, p.grad, s1, p.size, lr, MOMENTUM);
        break;
      case 'rmsprop':
        k.rmsprop(w, p.grad, s1, p.size, lr, RMSPROP_DECAY, eps);
        break;
      case 'adam':
        k.adam(
          w,
          p.grad,
          s1,
          s2,
          w,
          s1,
          s2,
          p.size,
          1 - ADAM.beta1,
          1 - ADAM.beta2,
          alpha,
          ADAM.epsilon * root2,
        );
        break;
    }
  }
  for (const b of plan.layers) {
    const { movingMean, movingVar, units } = b.layer;
    if (plan.norm === 1 && movingMean && movingVar) {
      k.movingMoments(c.at(movingMean), c.at(movingVar), b.mean, b.variance, units, BN_MOMENTUM);
    }
  }
}
