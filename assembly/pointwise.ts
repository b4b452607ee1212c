// Elementwise kernels of SNN Lab's wasm module (exported through kernels.ts): SELU and its gradient as tfjs kernels,
// Adam, the statistics norms, and the in-place optimiser updates of the fused MLP step (src/trainer/wasmMlp.ts).
import { expm1Neg } from './simd';

// SELU (Klambauer et al. 2017, eq. 2): selu(z) = λz for z > 0, λα(eᶻ − 1) otherwise.

@inline function seluVec(z: v128, lambda: v128, lambdaAlpha: v128): v128 {
  const positive = f32x4.gt(z, f32x4.splat(0));
  return v128.bitselect(f32x4.mul(z, lambda), f32x4.mul(expm1Neg(z), lambdaAlpha), positive);
}

/** y = selu(z) over `len` values. */
export function selu(z: usize, y: usize, len: i32, lambda: f32, lambdaAlpha: f32): void {
  const l = f32x4.splat(lambda);
  const la = f32x4.splat(lambdaAlpha);
  const len4 = len & ~3;
  let i = 0;
  for (; i < len4; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, seluVec(v128.load(z + o), l, la));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, f32x4.extract_lane(seluVec(f32x4.splat(load<f32>(z + o)), l, la), 0));
  }
}

/** dz = dy · selu'(z), from the output y: λ where y > 0, y + λα (= λα·eᶻ) otherwise. */
export function seluGrad(dy: usize, y: usize, dz: usize, len: i32, lambda: f32, lambdaAlpha: f32): void {
  const l = f32x4.splat(lambda);
  const la = f32x4.splat(lambdaAlpha);
  const zero = f32x4.splat(0);
  const len4 = len & ~3;
  let i = 0;
  for (; i < len4; i += 4) {
    const o = <usize>i << 2;
    const yv = v128.load(y + o);
    const d = v128.bitselect(l, f32x4.add(yv, la), f32x4.gt(yv, zero));
    v128.store(dz + o, f32x4.mul(v128.load(dy + o), d));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const yv = load<f32>(y + o);
    store<f32>(dz + o, load<f32>(dy + o) * (yv > 0 ? lambda : yv + lambdaAlpha));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Adam (Kingma & Ba 2015, Algorithm 1, bias corrections folded into alpha and epsHat as in src/trainer/fusedAdam.ts):
// m' = m + c1(g − m), v' = v + c2(g² − v), w' = w − alpha·m'/(√v' + epsHat), with c1 = 1 − β₁, c2 = 1 − β₂.

@inline function adamVec(w: v128, g: v128, m: v128, v: v128, c1: v128, c2: v128, alpha: v128, eps: v128, out: usize, mOut: usize, vOut: usize): void {
  const m1 = f32x4.add(m, f32x4.mul(c1, f32x4.sub(g, m)));
  const v1 = f32x4.add(v, f32x4.mul(c2, f32x4.sub(f32x4.mul(g, g), v)));
  v128.store(mOut, m1);
  v128.store(vOut, v1);
  v128.store(out, f32x4.sub(w, f32x4.div(f32x4.mul(alpha, m1), f32x4.add(f32x4.sqrt(v1), eps))));
}

/** One Adam update of `len` parameters: reads w, g, m, v; writes wOut, mOut, vOut (may alias m and v). */
export function adam(w: usize, g: usize, m: usize, v: usize, wOut: usize, mOut: usize, vOut: usize, len: i32, c1: f32, c2: f32, alpha: f32, epsHat: f32): void {
  const c1v = f32x4.splat(c1);
  const c2v = f32x4.splat(c2);
  const av = f32x4.splat(alpha);
  const ev = f32x4.splat(epsHat);
  const len4 = len & ~3;
  let i = 0;
  for (; i < len4; i += 4) {
    const o = <usize>i << 2;
    adamVec(v128.load(w + o), v128.load(g + o), v128.load(m + o), v128.load(v + o), c1v, c2v, av, ev, wOut + o, mOut + o, vOut + o);
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o);
    const mi = load<f32>(m + o);
    const vi = load<f32>(v + o);
    const m1 = mi + c1 * (gi - mi);
    const v1 = vi + c2 * (gi * gi - vi);
    store<f32>(mOut + o, m1);
    store<f32>(vOut + o, v1);
    store<f32>(wOut + o, load<f32>(w + o) - (alpha * m1) / (Mathf.sqrt(v1) + epsHat));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Norms for the statistics (gradient L2 norms, update ratios), accumulated in float64.

/** Σ x² over `len` values. */
export function sumSquares(x: usize, len: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  const len4 = len & ~3;
  let i = 0;
  for (; i < len4; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    s0 = f64x2.add(s0, f64x2.mul(lo, lo));
    s1 = f64x2.add(s1, f64x2.mul(hi, hi));
  }
  const s = f64x2.add(s0, s1);
  let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < len; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    total += v * v;
  }
  return total;
}

/** Σ (a − b)² over `len` values, the difference taken in float64. */
export function sumSquaredDiff(a: usize, b: usize, len: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  const len4 = len & ~3;
  let i = 0;
  for (; i < len4; i += 4) {
    const o = <usize>i << 2;
    const va = v128.load(a + o);
    const vb = v128.load(b + o);
    const lo = f64x2.sub(f64x2.promote_low_f32x4(va), f64x2.promote_low_f32x4(vb));
    const hi = f64x2.sub(
      f64x2.promote_low_f32x4(v128.shuffle<f32>(va, va, 2, 3, 0, 1)),
      f64x2.promote_low_f32x4(v128.shuffle<f32>(vb, vb, 2, 3, 0, 1)),
    );
    s0 = f64x2.add(s0, f64x2.mul(lo, lo));
    s1 = f64x2.add(s1, f64x2.mul(hi, hi));
  }
  const s = f64x2.add(s0, s1);
  let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < len; i++) {
    const d = <f64>load<f32>(a + (<usize>i << 2)) - <f64>load<f32>(b + (<usize>i << 2));
    total += d * d;
  }
  return total;
}

// ---------------------------------------------------------------------------------------------------------------
// In-place optimiser updates of the fused MLP step, with tfjs's formulas (tf.train.sgd, momentum, rmsprop with
// momentum 0 and not centered); Adam is `adam` above called with wOut = w, mOut = m, vOut = v.

/** g += wd·w over `len` values (L2 weight decay added to a weight matrix's gradient). */
export function addDecay(g: usize, w: usize, len: i32, wd: f32): void {
  const d = f32x4.splat(wd);
  const len4 = len & ~3;
  let i = 0;
  for (; i < len4; i += 4) {
    const o = <usize>i << 2;
    v128.store(g + o, f32x4.add(v128.load(g + o), f32x4.mul(d, v128.load(w + o))));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(g + o, load<f32>(g + o) + wd * load<f32>(w + o));
  }
}

/** w −= lr·g. */
export function sgd(w: usize, g: usize, len: i32, lr: f32): void {
  const c = f32x4.splat(lr);
  const len4 = len & ~3;
  let i = 0;
  for (; i < len4; i += 4) {
    const o = <usize>i << 2;
    v128.store(w + o, f32x4.sub(v128.load(w + o), f32x4.mul(c, v128.load(g + o))));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(w + o, load<f32>(w + o) - lr * load<f32>(g + o));
  }
}

/** acc = m·acc + g, w −= lr·acc (tf.train.momentum without Nesterov). */
export function momentum(w: usize, g: usize, acc: usize, len: i32, lr: f32, m: f32): void {
  const c = f32x4.splat(lr);
  const mv = f32x4.splat(m);
  const len4 = len & ~3;
  let i = 0;
  for (; i < len4; i += 4) {
    const o = <usize>i << 2;
    const a = f32x4.add(f32x4.mul(mv, v128.load(acc + o)), v128.load(g + o));
    v128.store(acc + o, a);
    v128.store(w + o, f32x4.sub(v128.load(w + o), f32x4.mul(c, a)));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const a = m * load<f32>(acc + o) + load<f32>(g + o);
    store<f32>(acc + o, a);
    store<f32>(w + o, load<f32>(w + o) - lr * a);
  }
}

/** ms = decay·ms + (1 − decay)·g², w −= lr·g/√(ms + eps) (tf.train.rmsprop, momentum 0, not centered). */
export function rmsprop(w: usize, g: usize, ms: usize, len: i32, lr: f32, decay: f32, eps: f32): void {
  const c = f32x4.splat(lr);
  const dv = f32x4.splat(decay);
  const ov = f32x4.splat(1 - decay);
  const ev = f32x4.splat(eps);
  const len4 = len & ~3;
  let i = 0;
  for (; i < len4; i += 4) {
    const o = <usize>i << 2;
    const gv = v128.load(g + o);
    const s = f32x4.add(f32x4.mul(v128.load(ms + o), dv), f32x4.mul(f32x4.mul(gv, gv), ov));
    v128.store(ms + o, s);
    const step = f32x4.div(f32x4.mul(gv, c), f32x4.sqrt(f32x4.add(s, ev)));
    v128.store(w + o, f32x4.sub(v128.load(w + o), step));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o);
    const s = load<f32>(ms + o) * decay + gi * gi * (1 - decay);
    store<f32>(ms + o, s);
    store<f32>(w + o, load<f32>(w + o) - (gi * lr) / Mathf.sqrt(s + eps));
  }
}
