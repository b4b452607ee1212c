// SNN Lab's wasm SIMD kernels (AssemblyScript), compiled by esbuild.mjs to dist/wasm/snn-kernels.wasm. The module
// imports tfjs-backend-wasm's linear memory and works on its tensors in place of tfjs's own kernels where those are
// slow on a training step: matrix products without XNNPACK's per-call weight packing, SELU and its gradient in one
// pass, column sums and Adam in one pass (docs/performance.md, "SNN Lab wasm kernels"). Pointers are byte offsets
// into that memory; every array is float32, row-major. No static data and no allocation: the module must not
// write anywhere but the outputs it is given.

// ---------------------------------------------------------------------------------------------------------------
// Matrix products. C[m×n] = A'·B' (+ bias), where A'(i, p) is read at a + i·aRow + p·aK and B'(p, j) at
// b + p·bRow + j·bCol (byte strides): a row-major m×k A has aRow 4k, aK 4, and Aᵀ of a stored k×m matrix has
// aRow 4, aK 4m; likewise for B' (k×n: bRow 4n, bCol 4; Bᵀ of a stored n×k: bRow 4, bCol 4k). B' is first copied
// into 8-column panels, each k×8 contiguous (a cheap O(k·n) pass: the product is O(m·k·n)), so the inner loop reads
// B sequentially; the 4×8 register tile (8 accumulators, 2 B vectors, 1 broadcast) fits x86-64's 16 SIMD
// registers without spills. Measured 35 GFLOP/s at 128×256·256×256, against 28 unpacked (docs/performance.md).

@inline function tile4x8(pa: usize, rs: usize, ks: usize, pb: usize, k: i32, pc: usize, rowC: usize, bias: v128, bias1: v128): void {
  let c00 = bias, c01 = bias1, c10 = bias, c11 = bias1, c20 = bias, c21 = bias1, c30 = bias, c31 = bias1;
  const rs2 = rs + rs;
  const rs3 = rs2 + rs;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let x = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(x, b0));
    c01 = f32x4.add(c01, f32x4.mul(x, b1));
    x = v128.load32_splat(pa + rs);
    c10 = f32x4.add(c10, f32x4.mul(x, b0));
    c11 = f32x4.add(c11, f32x4.mul(x, b1));
    x = v128.load32_splat(pa + rs2);
    c20 = f32x4.add(c20, f32x4.mul(x, b0));
    c21 = f32x4.add(c21, f32x4.mul(x, b1));
    x = v128.load32_splat(pa + rs3);
    c30 = f32x4.add(c30, f32x4.mul(x, b0));
    c31 = f32x4.add(c31, f32x4.mul(x, b1));
    pa += ks;
    pb += 32;
  }
  v128.store(pc, c00);
  v128.store(pc, c01, 16);
  pc += rowC;
  v128.store(pc, c10);
  v128.store(pc, c11, 16);
  pc += rowC;
  v128.store(pc, c20);
  v128.store(pc, c21, 16);
  pc += rowC;
  v128.store(pc, c30);
  v128.store(pc, c31, 16);
}

@inline function tile1x8(pa: usize, ks: usize, pb: usize, k: i32, pc: usize, bias: v128, bias1: v128): void {
  let c0 = bias, c1 = bias1;
  for (let p = 0; p < k; p++) {
    const x = v128.load32_splat(pa);
    c0 = f32x4.add(c0, f32x4.mul(x, v128.load(pb)));
    c1 = f32x4.add(c1, f32x4.mul(x, v128.load(pb, 16)));
    pa += ks;
    pb += 32;
  }
  v128.store(pc, c0);
  v128.store(pc, c1, 16);
}

/** Copies the first n8 columns of B' into k×8 panels at `panels` (panel q at panels + q·32k). */
function pack(b: usize, bRow: usize, bCol: usize, k: i32, n8: i32, panels: usize): void {
  let dst = panels;
  for (let j = 0; j < n8; j += 8) {
    let src = b + <usize>j * bCol;
    if (bCol == 4) {
      for (let p = 0; p < k; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        dst += 32;
        src += bRow;
      }
    } else {
      for (let p = 0; p < k; p++) {
        for (let q = 0; q < 8; q++) store<f32>(dst + (<usize>q << 2), load<f32>(src + <usize>q * bCol));
        dst += 32;
        src += bRow;
      }
    }
  }
}

/** Bytes of scratch `matmul` needs for n columns of k rows. */
export function scratchBytes(k: i32, n: i32): i32 {
  return k * (n & ~7) * 4;
}

/** C = A'·B' + bias (bias = 0: none), with `scratch` of at least scratchBytes(k, n). See the section comment. */
export function matmul(a: usize, aRow: usize, aK: usize, b: usize, bRow: usize, bCol: usize, c: usize, bias: usize, m: i32, k: i32, n: i32, scratch: usize): void {
  const rowC = <usize>n << 2;
  const n8 = n & ~7;
  const m4 = m & ~3;
  const zero = f32x4.splat(0);
  pack(b, bRow, bCol, k, n8, scratch);
  const panelBytes = <usize>k << 5;
  for (let j = 0; j < n8; j += 8) {
    const o = <usize>j << 2;
    const pb = scratch + (<usize>(j >> 3)) * panelBytes;
    const bias0 = bias ? v128.load(bias + o) : zero;
    const bias1 = bias ? v128.load(bias + o, 16) : zero;
    let i = 0;
    for (; i < m4; i += 4) tile4x8(a + <usize>i * aRow, aRow, aK, pb, k, c + <usize>i * rowC + o, rowC, bias0, bias1);
    for (; i < m; i++) tile1x8(a + <usize>i * aRow, aK, pb, k, c + <usize>i * rowC + o, bias0, bias1);
  }
  for (let j = n8; j < n; j++) {
    const start: f32 = bias ? load<f32>(bias + (<usize>j << 2)) : 0;
    for (let i = 0; i < m; i++) {
      let s = start;
      let pa = a + <usize>i * aRow;
      let pb = b + <usize>j * bCol;
      for (let p = 0; p < k; p++) {
        s += load<f32>(pa) * load<f32>(pb);
        pa += aK;
        pb += bRow;
      }
      store<f32>(c + <usize>i * rowC + (<usize>j << 2), s);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// SELU (Klambauer et al. 2017, eq. 2): selu(z) = λz for z > 0, λα(eᶻ − 1) otherwise.

const LOG2E: f32 = 1.44269504088896341;
// ln 2 split in a part exact in float32 and the rest (Cody & Waite reduction, as in Cephes' expf).
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

/**
 * eᶻ − 1 for z ≤ 0 (SIMD). z = n·ln2 + r with |r| ≤ ln2/2; eʳ − 1 = r + r²·P(r) with Cephes expf's minimax
 * polynomial (relative error ~1e-7); then eᶻ − 1 = s·(eʳ − 1) + (s − 1), s = 2ⁿ exact, which keeps full relative
 * precision near 0 (no cancellation in eᶻ − 1). Inputs below −87 give −1 (eᶻ underflows float32's normal range).
 */
@inline function expm1Neg(z: v128): v128 {
  const x = f32x4.max(z, f32x4.splat(-87));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const em1r = f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r);
  const s = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.add(f32x4.mul(s, em1r), f32x4.sub(s, f32x4.splat(1)));
}

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

/** out[j] = Σᵢ x[i, j] for x rows×cols (the bias gradient). */
export function columnSums(x: usize, out: usize, rows: i32, cols: i32): void {
  const cols4 = cols & ~3;
  const row = <usize>cols << 2;
  for (let j = 0; j < cols; j++) store<f32>(out + (<usize>j << 2), 0);
  for (let i = 0; i < rows; i++) {
    const pr = x + <usize>i * row;
    let j = 0;
    for (; j < cols4; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + o, f32x4.add(v128.load(out + o), v128.load(pr + o)));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(out + o, load<f32>(out + o) + load<f32>(pr + o));
    }
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
