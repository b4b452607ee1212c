// Fused per-layer kernels of the MLP training step (src/trainer/wasmMlp.ts): after the product a = x·W + b, one call
// does normalisation (BatchNorm with the batch's moments or the moving ones, or LayerNorm), the activation and
// dropout (mask drawn here, seeded), and one call does the whole backward pass of those three. Buffers are
// rows×cols float32, row-major. Pointers that coincide (z = a without normalisation, h = y without dropout) are
// passed equal by the caller and the pass that would copy is skipped.
import { activate, ELU, GELU, LEAKY_RELU, LINEAR, RELU, SELU, SWISH, TANH } from './activations';
import { ld, st } from './simd';

export const NORM_NONE = 0;
export const NORM_BATCH = 1;
export const NORM_LAYER = 2;
export const DROP_NONE = 0;
export const DROP_ALPHA = 1;
export const DROP_STANDARD = 2;

// ---------------------------------------------------------------------------------------------------------------
// Dropout masks: the uniform stream of src/core/random.ts (mulberry32), four draws at once. Draw number e (from 1)
// of a stream whose state is s uses the state s + e·0x6d2b79f5 (mod 2³²), so element e of a layer gets exactly the
// number the JS generator would have returned for it: masks are the same as the tfjs path's, draw for draw.

const INC: i32 = 0x6d2b79f5;

/** mulberry32's output for the lane states s (as unsigned 32-bit integers; u = r / 2³²). */
@inline function mulberry(s: v128): v128 {
  let t = i32x4.mul(v128.xor(s, i32x4.shr_u(s, 15)), v128.or(s, i32x4.splat(1)));
  t = v128.xor(t, i32x4.add(t, i32x4.mul(v128.xor(t, i32x4.shr_u(t, 7)), v128.or(t, i32x4.splat(61)))));
  return v128.xor(t, i32x4.shr_u(t, 14));
}

/** States of draws e + 1 … e + 4 of a stream at `state`. */
@inline function drawStates(state: i32, e: i32): v128 {
  return i32x4.add(i32x4.splat(state + (e + 1) * INC), i32x4.mul(i32x4.splat(INC), i32x4(0, 1, 2, 3)));
}

// ---------------------------------------------------------------------------------------------------------------
// Forward.

/** Column means, biased variances (two passes, as tf.moments) and 1/√(var + eps) of a rows×cols a. */
function columnMoments(a: usize, rows: i32, cols: i32, mean: usize, variance: usize, istd: usize, eps: f32): void {
  const row = <usize>cols << 2;
  const inv = f32x4.splat(1 / <f32>rows);
  const cols4 = cols & ~3;
  for (let j = 0; j < cols; ) {
    const wide = j < cols4;
    const c = <usize>j << 2;
    let s = f32x4.splat(0);
    for (let i = 0; i < rows; i++) s = f32x4.add(s, ld(a + <usize>i * row + c, wide));
    const m = f32x4.mul(s, inv);
    let q = f32x4.splat(0);
    for (let i = 0; i < rows; i++) {
      const d = f32x4.sub(ld(a + <usize>i * row + c, wide), m);
      q = f32x4.add(q, f32x4.mul(d, d));
    }
    const v = f32x4.mul(q, inv);
    st(mean + c, m, wide);
    st(variance + c, v, wide);
    st(istd + c, f32x4.div(f32x4.splat(1), f32x4.sqrt(f32x4.add(v, f32x4.splat(eps)))), wide);
    j += wide ? 4 : 1;
  }
}

/** 1/√(var + eps) of given variances (BatchNorm at inference, from the moving variance). */
function inverseStd(variance: usize, istd: usize, cols: i32, eps: f32): void {
  for (let j = 0; j < cols; j++) {
    const o = <usize>j << 2;
    store<f32>(istd + o, 1 / Mathf.sqrt(load<f32>(variance + o) + eps));
  }
}

/** Mean and 1/√(var + eps) of one row of n values (LayerNorm), returned as [mean, istd] in a v128's lanes 0, 1. */
@inline function rowMoments(p: usize, n: i32, eps: f32): v128 {
  let s: f32 = 0;
  for (let j = 0; j < n; j++) s += load<f32>(p + (<usize>j << 2));
  const m = s / <f32>n;
  let q: f32 = 0;
  for (let j = 0; j < n; j++) {
    const d = load<f32>(p + (<usize>j << 2)) - m;
    q += d * d;
  }
  return f32x4.replace_lane(f32x4.splat(m), 1, 1 / Mathf.sqrt(q / <f32>n + eps));
}

// Each pass below has a vector loop and a scalar tail that run the same inline body with `wide` constant, and the
// activation's switch is resolved per call site (the code is constant there), so the inner loops carry no branches.
// Normalisation, activation and dropout are separate passes over the (L1/L2-resident) layer: one loop doing all
// three kept too many vectors live for x86-64's 16 SIMD registers and ran ~3× slower (docs/performance.md).

/** z = γ·xhat + β with xhat = (a − mean)·istd stored to x; mean, istd per column (BatchNorm). */
@inline function batchNormAt(a: usize, x: usize, z: usize, c: usize, mean: usize, istd: usize, gamma: usize, beta: usize, wide: bool): void {
  const xh = f32x4.mul(f32x4.sub(ld(a, wide), ld(mean + c, wide)), ld(istd + c, wide));
  st(x, xh, wide);
  st(z, f32x4.add(f32x4.mul(ld(gamma + c, wide), xh), ld(beta + c, wide)), wide);
}

/** The same with one row's mean and istd (LayerNorm). */
@inline function layerNormAt(a: usize, x: usize, z: usize, c: usize, m: v128, s: v128, gamma: usize, beta: usize, wide: bool): void {
  const xh = f32x4.mul(f32x4.sub(ld(a, wide), m), s);
  st(x, xh, wide);
  st(z, f32x4.add(f32x4.mul(ld(gamma + c, wide), xh), ld(beta + c, wide)), wide);
}

function normalise(a: usize, x: usize, z: usize, rows: i32, cols: i32, norm: i32, gamma: usize, beta: usize, mean: usize, istd: usize, eps: f32): void {
  const cols4 = cols & ~3;
  const row = <usize>cols << 2;
  for (let i = 0; i < rows; i++) {
    const base = <usize>i * row;
    let j = 0;
    if (norm == NORM_BATCH) {
      for (; j < cols4; j += 4) batchNormAt(a + base + (<usize>j << 2), x + base + (<usize>j << 2), z + base + (<usize>j << 2), <usize>j << 2, mean, istd, gamma, beta, true);
      for (; j < cols; j++) batchNormAt(a + base + (<usize>j << 2), x + base + (<usize>j << 2), z + base + (<usize>j << 2), <usize>j << 2, mean, istd, gamma, beta, false);
    } else {
      const mi = rowMoments(a + base, cols, eps);
      const m = f32x4.splat(f32x4.extract_lane(mi, 0));
      const s = f32x4.splat(f32x4.extract_lane(mi, 1));
      store<f32>(istd + (<usize>i << 2), f32x4.extract_lane(mi, 1));
      for (; j < cols4; j += 4) layerNormAt(a + base + (<usize>j << 2), x + base + (<usize>j << 2), z + base + (<usize>j << 2), <usize>j << 2, m, s, gamma, beta, true);
      for (; j < cols; j++) layerNormAt(a + base + (<usize>j << 2), x + base + (<usize>j << 2), z + base + (<usize>j << 2), <usize>j << 2, m, s, gamma, beta, false);
    }
  }
}

@inline function mapActivation(z: usize, y: usize, len: i32, act: i32, p1: v128, p2: v128): void {
  const len4 = len & ~3;
  let i = 0;
  for (; i < len4; i += 4) st(y + (<usize>i << 2), activate(ld(z + (<usize>i << 2), true), act, p1, p2), true);
  for (; i < len; i++) st(y + (<usize>i << 2), activate(ld(z + (<usize>i << 2), false), act, p1, p2), false);
}

function activateAll(z: usize, y: usize, len: i32, act: i32, p1: f32, p2: f32): void {
  const p1v = f32x4.splat(p1);
  const p2v = f32x4.splat(p2);
  switch (act) {
    case RELU: mapActivation(z, y, len, RELU, p1v, p2v); break;
    case SELU: mapActivation(z, y, len, SELU, p1v, p2v); break;
    case ELU: mapActivation(z, y, len, ELU, p1v, p2v); break;
    case LEAKY_RELU: mapActivation(z, y, len, LEAKY_RELU, p1v, p2v); break;
    case TANH: mapActivation(z, y, len, TANH, p1v, p2v); break;
    case SWISH: mapActivation(z, y, len, SWISH, p1v, p2v); break;
    case GELU: mapActivation(z, y, len, GELU, p1v, p2v); break;
    default: mapActivation(z, y, len, LINEAR, p1v, p2v);
  }
}

/** Dropout of element(s) e…: h and gm from y (see layerForward). */
@inline function dropAt(y: usize, h: usize, gm: usize, e: i32, alpha: bool, state: i32, tv: v128, sv: v128, ov: v128, dv: v128, wide: bool): void {
  const keep = i32x4.ge_u(mulberry(drawStates(state, e)), tv);
  const yv = ld(y, wide);
  const kept = alpha ? f32x4.add(f32x4.mul(yv, sv), ov) : f32x4.mul(yv, sv);
  st(h, v128.bitselect(kept, dv, keep), wide);
  st(gm, v128.and(sv, keep), wide);
}

@inline function dropoutAll(y: usize, h: usize, gm: usize, len: i32, alpha: bool, threshold: i32, scale: f32, offset: f32, dropped: f32, state: i32): void {
  const tv = i32x4.splat(threshold);
  const sv = f32x4.splat(scale);
  const ov = f32x4.splat(offset);
  const dv = f32x4.splat(dropped);
  const len4 = len & ~3;
  let i = 0;
  for (; i < len4; i += 4) {
    const o = <usize>i << 2;
    dropAt(y + o, h + o, gm + o, i, alpha, state, tv, sv, ov, dv, true);
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    dropAt(y + o, h + o, gm + o, i, alpha, state, tv, sv, ov, dv, false);
  }
}

/**
 * One layer after its product a (kept as it is), in one call: normalisation (norm: 0 none, 1 BatchNorm, 2 LayerNorm:
 * the normalised xhat, z = γ·xhat + β), y = f(z), and dropout (drop: 0 none, 1 alpha, 2 standard): a unit is kept when its
 * uniform draw u·2³² ≥ threshold; kept h = scale·y + offset, dropped h = dropped; gm = scale or 0, the gradient
 * mask. BatchNorm uses the batch's moments when batchStats ≠ 0 (written to mean, variance, istd), else the given
 * mean and variance. LayerNorm writes each row's 1/√(var + eps) to istd[row]. Returns the dropout stream's state.
 */
export function layerForward(
  a: usize, xhat: usize, z: usize, y: usize, h: usize, gm: usize, rows: i32, cols: i32,
  act: i32, p1: f32, p2: f32,
  norm: i32, gamma: usize, beta: usize, mean: usize, variance: usize, istd: usize, eps: f32, batchStats: i32,
  drop: i32, threshold: i32, scale: f32, offset: f32, dropped: f32, state: i32,
): i32 {
  if (norm == NORM_BATCH) {
    if (batchStats) columnMoments(a, rows, cols, mean, variance, istd, eps);
    else inverseStd(variance, istd, cols, eps);
  }
  if (norm != NORM_NONE) normalise(a, xhat, z, rows, cols, norm, gamma, beta, mean, istd, eps);
  const len = rows * cols;
  activateAll(z, y, len, act, p1, p2);
  if (drop == DROP_NONE) return state;
  if (drop == DROP_ALPHA) dropoutAll(y, h, gm, len, true, threshold, scale, offset, dropped, state);
  else dropoutAll(y, h, gm, len, false, threshold, scale, offset, dropped, state);
  return state + len * INC;
}

/** Moving averages of BatchNorm: mm = mm·momentum + mean·(1 − momentum), the same for mv and variance. */
export function movingMoments(mm: usize, mv: usize, mean: usize, variance: usize, cols: i32, momentum: f32): void {
  for (let j = 0; j < cols; j++) {
    const o = <usize>j << 2;
    store<f32>(mm + o, load<f32>(mm + o) * momentum + load<f32>(mean + o) * (1 - momentum));
    store<f32>(mv + o, load<f32>(mv + o) * momentum + load<f32>(variance + o) * (1 - momentum));
  }
}
