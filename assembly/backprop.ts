// Backward pass of a fused layer (layers.ts) in one call: dropout, activation and normalisation gradients, with the
// column sums the bias, γ and β gradients need. BatchNorm and LayerNorm gradients are the exact derivatives through
// the moments (what tfjs's autodiff of tf.moments + tf.batchNorm gives): with xhat the normalised input,
// dx = γ·istd/n·(n·dz − Σdz − xhat·Σ(dz·xhat)), sums over the batch (BatchNorm) or the row (LayerNorm).
// As in layers.ts, vector loops and scalar tails share inline bodies and the activation is resolved per call site.
import { derivative, ELU, GELU, LEAKY_RELU, LINEAR, RELU, SELU, SWISH, TANH } from './activations';
import { DROP_NONE, NORM_BATCH, NORM_LAYER, NORM_NONE } from './layers';
import { ld, st } from './simd';

/** Adds v to the accumulator(s) at p. */
@inline function acc(p: usize, v: v128, wide: bool): void {
  st(p, f32x4.add(ld(p, wide), v), wide);
}

/**
 * dz = dh·gm·f'(…) at byte offset o (column offset c), stored to da; accumulates db (no normalisation) or dbeta and
 * dgamma (normalised layers: the bias gradient then comes from the normalisation's input gradient).
 */
@inline function unitGradient(
  dh: usize, y: usize, z: usize, gm: usize, da: usize, o: usize, c: usize,
  act: i32, p1: v128, p2: v128, drop: bool,
  norm: i32, xhat: usize, dgamma: usize, dbeta: usize, db: usize, wide: bool,
): void {
  let dy = ld(dh + o, wide);
  if (drop) dy = f32x4.mul(dy, ld(gm + o, wide));
  const yv = ld(y + o, wide);
  const dz = f32x4.mul(dy, derivative(yv, act == SWISH || act == GELU ? ld(z + o, wide) : yv, act, p1, p2));
  st(da + o, dz, wide);
  if (norm == NORM_NONE) {
    acc(db + c, dz, wide);
  } else {
    acc(dbeta + c, dz, wide);
    acc(dgamma + c, f32x4.mul(dz, ld(xhat + o, wide)), wide);
  }
}

@inline function gradientRows(
  dh: usize, y: usize, z: usize, gm: usize, da: usize, rows: i32, cols: i32,
  act: i32, p1: v128, p2: v128, drop: bool,
  norm: i32, xhat: usize, gamma: usize, istd: usize, dgamma: usize, dbeta: usize, db: usize,
): void {
  const cols4 = cols & ~3;
  const row = <usize>cols << 2;
  for (let i = 0; i < rows; i++) {
    const base = <usize>i * row;
    let j = 0;
    for (; j < cols4; j += 4) {
      const c = <usize>j << 2;
      unitGradient(dh, y, z, gm, da, base + c, c, act, p1, p2, drop, norm, xhat, dgamma, dbeta, db, true);
    }
    for (; j < cols; j++) {
      const c = <usize>j << 2;
      unitGradient(dh, y, z, gm, da, base + c, c, act, p1, p2, drop, norm, xhat, dgamma, dbeta, db, false);
    }
    // LayerNorm: the row is complete (and in L1): its input gradient now.
    if (norm == NORM_LAYER) layerNormRow(da + base, xhat + base, gamma, load<f32>(istd + (<usize>i << 2)), cols, db);
  }
}

/** One row of LayerNorm's input gradient (da holds dz on entry); adds it to db. */
function layerNormRow(da: usize, xhat: usize, gamma: usize, istd: f32, cols: i32, db: usize): void {
  let s1: f32 = 0;
  let s2: f32 = 0;
  for (let j = 0; j < cols; j++) {
    const o = <usize>j << 2;
    const dxh = load<f32>(da + o) * load<f32>(gamma + o);
    s1 += dxh;
    s2 += dxh * load<f32>(xhat + o);
  }
  const k = f32x4.splat(istd / <f32>cols);
  const n = f32x4.splat(<f32>cols);
  const v1 = f32x4.splat(s1);
  const v2 = f32x4.splat(s2);
  const cols4 = cols & ~3;
  let j = 0;
  for (; j < cols4; j += 4) layerNormInputAt(da, xhat, <usize>j << 2, gamma, k, n, v1, v2, db, true);
  for (; j < cols; j++) layerNormInputAt(da, xhat, <usize>j << 2, gamma, k, n, v1, v2, db, false);
}

/** dx = istd/C·(C·dxh − Σdxh − xhat·Σ(dxh·xhat)), dxh = dz·γ, at column offset c of one row; db += dx. */
@inline function layerNormInputAt(da: usize, xhat: usize, c: usize, gamma: usize, k: v128, n: v128, s1: v128, s2: v128, db: usize, wide: bool): void {
  const dxh = f32x4.mul(ld(da + c, wide), ld(gamma + c, wide));
  const d = f32x4.mul(k, f32x4.sub(f32x4.sub(f32x4.mul(n, dxh), s1), f32x4.mul(ld(xhat + c, wide), s2)));
  st(da + c, d, wide);
  acc(db + c, d, wide);
}

/** da = γ·istd/m·(m·dz − dbeta − xhat·dgamma) at byte offset o, column offset c (da holds dz); db += da. */
@inline function batchNormInputAt(da: usize, xhat: usize, o: usize, c: usize, gamma: usize, istd: usize, dgamma: usize, dbeta: usize, m: v128, invM: v128, db: usize, wide: bool): void {
  const k = f32x4.mul(f32x4.mul(ld(gamma + c, wide), ld(istd + c, wide)), invM);
  const inner = f32x4.sub(f32x4.sub(f32x4.mul(m, ld(da + o, wide)), ld(dbeta + c, wide)), f32x4.mul(ld(xhat + o, wide), ld(dgamma + c, wide)));
  const d = f32x4.mul(k, inner);
  st(da + o, d, wide);
  acc(db + c, d, wide);
}

/** BatchNorm's input gradient over the batch, once dbeta and dgamma are complete; db = its column sums. */
function batchNormInput(da: usize, xhat: usize, rows: i32, cols: i32, gamma: usize, istd: usize, dgamma: usize, dbeta: usize, db: usize): void {
  const cols4 = cols & ~3;
  const row = <usize>cols << 2;
  const m = f32x4.splat(<f32>rows);
  const invM = f32x4.splat(1 / <f32>rows);
  for (let i = 0; i < rows; i++) {
    const base = <usize>i * row;
    let j = 0;
    for (; j < cols4; j += 4) batchNormInputAt(da, xhat, base + (<usize>j << 2), <usize>j << 2, gamma, istd, dgamma, dbeta, m, invM, db, true);
    for (; j < cols; j++) batchNormInputAt(da, xhat, base + (<usize>j << 2), <usize>j << 2, gamma, istd, dgamma, dbeta, m, invM, db, false);
  }
}

function zero(p: usize, n: i32): void {
  for (let j = 0; j < n; j++) store<f32>(p + (<usize>j << 2), 0);
}

/**
 * From dh (the gradient of the layer's output h) to da (of its product a = x·W + b), and db = Σ_rows da; with
 * normalisation also dgamma = Σ dz·xhat and dbeta = Σ dz. gm is the dropout gradient mask of layerForward (read
 * when drop ≠ 0), y its activation output, z its pre-activation, xhat and istd its normalisation values. One pass
 * over the layer (two with BatchNorm, whose input gradient needs the complete column sums).
 */
export function layerBackward(
  dh: usize, y: usize, z: usize, gm: usize, da: usize, rows: i32, cols: i32,
  act: i32, p1: f32, p2: f32, drop: i32,
  norm: i32, xhat: usize, gamma: usize, istd: usize, dgamma: usize, dbeta: usize, db: usize,
): void {
  zero(db, cols);
  if (norm != NORM_NONE) {
    zero(dgamma, cols);
    zero(dbeta, cols);
  }
  const a = f32x4.splat(p1);
  const b = f32x4.splat(p2);
  const d = drop != DROP_NONE;
  switch (act) {
    case RELU: gradientRows(dh, y, z, gm, da, rows, cols, RELU, a, b, d, norm, xhat, gamma, istd, dgamma, dbeta, db); break;
    case SELU: gradientRows(dh, y, z, gm, da, rows, cols, SELU, a, b, d, norm, xhat, gamma, istd, dgamma, dbeta, db); break;
    case ELU: gradientRows(dh, y, z, gm, da, rows, cols, ELU, a, b, d, norm, xhat, gamma, istd, dgamma, dbeta, db); break;
    case LEAKY_RELU: gradientRows(dh, y, z, gm, da, rows, cols, LEAKY_RELU, a, b, d, norm, xhat, gamma, istd, dgamma, dbeta, db); break;
    case TANH: gradientRows(dh, y, z, gm, da, rows, cols, TANH, a, b, d, norm, xhat, gamma, istd, dgamma, dbeta, db); break;
    case SWISH: gradientRows(dh, y, z, gm, da, rows, cols, SWISH, a, b, d, norm, xhat, gamma, istd, dgamma, dbeta, db); break;
    case GELU: gradientRows(dh, y, z, gm, da, rows, cols, GELU, a, b, d, norm, xhat, gamma, istd, dgamma, dbeta, db); break;
    default: gradientRows(dh, y, z, gm, da, rows, cols, LINEAR, a, b, d, norm, xhat, gamma, istd, dgamma, dbeta, db);
  }
  if (norm == NORM_BATCH) batchNormInput(da, xhat, rows, cols, gamma, istd, dgamma, dbeta, db);
}
