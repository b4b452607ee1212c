// Backward pass of a fused layer (layers.ts) in one call: dropout, activation and normalisation gradients, with the
// column sums the bias, γ and β gradients need. BatchNorm and LayerNorm gradients are the exact derivatives through
// the moments (what tfjs's autodiff of tf.moments + tf.batchNorm gives): with xhat the normalised input,
// dx = γ·istd/n·(n·dz − Σdz − xhat·Σ(dz·xhat)), sums over the batch (BatchNorm) or the row (LayerNorm).
// As in layers.ts, vector loops and scalar tails share inline bodies and the activation is resolved per call site.
import { derivative, ELU, GELU, LEAKY_RELU, LINEAR, RELU, SELU, SWISH, TANH } from './activations';
import { DROP_NONE, NORM_BATCH, NORM_LAYER, NORM_NONE } from './layers';
import { columnSums } from './products';
import { ld, st } from './simd';

/** dz = dh·gm·f'(…) for element(s) at byte offset o. */
@inline function gradAt(dh: usize, y: usize, z: usize, gm: usize, dz: usize, o: usize, act: i32, drop: bool, p1: v128, p2: v128, wide: bool): void {
  let dy = ld(dh + o, wide);
  if (drop) dy = f32x4.mul(dy, ld(gm + o, wide));
  const yv = ld(y + o, wide);
  const zv = act == SWISH || act == GELU ? ld(z + o, wide) : yv;
  st(dz + o, f32x4.mul(dy, derivative(yv, zv, act, p1, p2)), wide);
}

@inline function mapGradient(dh: usize, y: usize, z: usize, gm: usize, dz: usize, len: i32, act: i32, drop: bool, p1: v128, p2: v128): void {
  const len4 = len & ~3;
  let i = 0;
  for (; i < len4; i += 4) gradAt(dh, y, z, gm, dz, <usize>i << 2, act, drop, p1, p2, true);
  for (; i < len; i++) gradAt(dh, y, z, gm, dz, <usize>i << 2, act, drop, p1, p2, false);
}

function gradientAll(dh: usize, y: usize, z: usize, gm: usize, dz: usize, len: i32, act: i32, drop: bool, p1: f32, p2: f32): void {
  const a = f32x4.splat(p1);
  const b = f32x4.splat(p2);
  switch (act) {
    case RELU: mapGradient(dh, y, z, gm, dz, len, RELU, drop, a, b); break;
    case SELU: mapGradient(dh, y, z, gm, dz, len, SELU, drop, a, b); break;
    case ELU: mapGradient(dh, y, z, gm, dz, len, ELU, drop, a, b); break;
    case LEAKY_RELU: mapGradient(dh, y, z, gm, dz, len, LEAKY_RELU, drop, a, b); break;
    case TANH: mapGradient(dh, y, z, gm, dz, len, TANH, drop, a, b); break;
    case SWISH: mapGradient(dh, y, z, gm, dz, len, SWISH, drop, a, b); break;
    case GELU: mapGradient(dh, y, z, gm, dz, len, GELU, drop, a, b); break;
    default: mapGradient(dh, y, z, gm, dz, len, LINEAR, drop, a, b);
  }
}

/** out[j] = Σᵢ a[i, j]·b[i, j]. */
function columnDotSums(a: usize, b: usize, out: usize, rows: i32, cols: i32): void {
  const cols4 = cols & ~3;
  const row = <usize>cols << 2;
  for (let j = 0; j < cols; j++) store<f32>(out + (<usize>j << 2), 0);
  for (let i = 0; i < rows; i++) {
    const base = <usize>i * row;
    let j = 0;
    for (; j < cols4; j += 4) {
      const o = base + (<usize>j << 2);
      st(out + (<usize>j << 2), f32x4.add(ld(out + (<usize>j << 2), true), f32x4.mul(ld(a + o, true), ld(b + o, true))), true);
    }
    for (; j < cols; j++) {
      const o = base + (<usize>j << 2);
      store<f32>(out + (<usize>j << 2), load<f32>(out + (<usize>j << 2)) + load<f32>(a + o) * load<f32>(b + o));
    }
  }
}

/** da = γ·istd/m·(m·dz − dbeta − xhat·dgamma) for element(s) at byte offset o, column offset c (da holds dz). */
@inline function batchNormInputAt(da: usize, xhat: usize, o: usize, c: usize, gamma: usize, istd: usize, dgamma: usize, dbeta: usize, m: v128, invM: v128, wide: bool): void {
  const k = f32x4.mul(f32x4.mul(ld(gamma + c, wide), ld(istd + c, wide)), invM);
  const inner = f32x4.sub(f32x4.sub(f32x4.mul(m, ld(da + o, wide)), ld(dbeta + c, wide)), f32x4.mul(ld(xhat + o, wide), ld(dgamma + c, wide)));
  st(da + o, f32x4.mul(k, inner), wide);
}

/** dx = istd/C·(C·dxh − Σdxh − xhat·Σ(dxh·xhat)), dxh = dz·γ, for one row's element(s) (da holds dz). */
@inline function layerNormInputAt(da: usize, xhat: usize, o: usize, c: usize, gamma: usize, k: v128, n: v128, s1: v128, s2: v128, wide: bool): void {
  const dxh = f32x4.mul(ld(da + o, wide), ld(gamma + c, wide));
  st(da + o, f32x4.mul(k, f32x4.sub(f32x4.sub(f32x4.mul(n, dxh), s1), f32x4.mul(ld(xhat + o, wide), s2))), wide);
}

function normInput(da: usize, xhat: usize, rows: i32, cols: i32, norm: i32, gamma: usize, istd: usize, dgamma: usize, dbeta: usize): void {
  const cols4 = cols & ~3;
  const row = <usize>cols << 2;
  const m = f32x4.splat(<f32>rows);
  const invM = f32x4.splat(1 / <f32>rows);
  const n = f32x4.splat(<f32>cols);
  for (let i = 0; i < rows; i++) {
    const base = <usize>i * row;
    let j = 0;
    if (norm == NORM_BATCH) {
      for (; j < cols4; j += 4) batchNormInputAt(da, xhat, base + (<usize>j << 2), <usize>j << 2, gamma, istd, dgamma, dbeta, m, invM, true);
      for (; j < cols; j++) batchNormInputAt(da, xhat, base + (<usize>j << 2), <usize>j << 2, gamma, istd, dgamma, dbeta, m, invM, false);
      continue;
    }
    let s1: f32 = 0;
    let s2: f32 = 0;
    for (let q = 0; q < cols; q++) {
      const dxh = load<f32>(da + base + (<usize>q << 2)) * load<f32>(gamma + (<usize>q << 2));
      s1 += dxh;
      s2 += dxh * load<f32>(xhat + base + (<usize>q << 2));
    }
    const k = f32x4.splat(load<f32>(istd + (<usize>i << 2)) / <f32>cols);
    const v1 = f32x4.splat(s1);
    const v2 = f32x4.splat(s2);
    for (; j < cols4; j += 4) layerNormInputAt(da, xhat, base + (<usize>j << 2), <usize>j << 2, gamma, k, n, v1, v2, true);
    for (; j < cols; j++) layerNormInputAt(da, xhat, base + (<usize>j << 2), <usize>j << 2, gamma, k, n, v1, v2, false);
  }
}

/**
 * From dh (the gradient of the layer's output h) to da (of its product a = x·W + b), and db = Σ_rows da; with
 * normalisation also dgamma = Σ dz·xhat and dbeta = Σ dz. gm is the dropout gradient mask of layerForward (read
 * when drop ≠ 0), y its activation output, z its pre-activation, xhat and istd its normalisation values.
 */
export function layerBackward(
  dh: usize, y: usize, z: usize, gm: usize, da: usize, rows: i32, cols: i32,
  act: i32, p1: f32, p2: f32, drop: i32,
  norm: i32, xhat: usize, gamma: usize, istd: usize, dgamma: usize, dbeta: usize, db: usize,
): void {
  gradientAll(dh, y, z, gm, da, rows * cols, act, drop != DROP_NONE, p1, p2);
  if (norm != NORM_NONE) {
    columnSums(da, dbeta, rows, cols);
    columnDotSums(da, xhat, dgamma, rows, cols);
    normInput(da, xhat, rows, cols, norm, gamma, istd, dgamma, dbeta);
  }
  columnSums(da, db, rows, cols);
}
