// Shared SIMD arithmetic of SNN Lab's wasm kernels: the multiply-add that differs between the two builds, and the
// exponential the activations need (built on that multiply-add). Compiled twice by scripts/build-kernels.mjs: with
// relaxed SIMD enabled (ASC_FEATURE_RELAXED_SIMD true) madd is one f32x4.relaxed_madd, which V8 lowers to an FMA
// instruction where the CPU has one; otherwise a mul then an add. The unused branch is removed at compile time.

/** a·b + c per lane: fused (one rounding) in the relaxed-SIMD build where the CPU has FMA, else two roundings. */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

const LOG2E: f32 = 1.44269504088896341;
// ln 2 split in a part exact in float32 and the rest (Cody & Waite reduction, as in Cephes' expf).
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

/** 1.5·2²³: adding it to a float of magnitude < 2²² rounds it to an integer (to nearest even) in the low mantissa bits. */
const ROUNDER: f32 = 12582912.0;
const ROUNDER_BITS: i32 = 0x4b400000;

/**
 * eᶻ − 1 for z ≤ 0 (SIMD). z = n·ln2 + r with |r| ≤ ln2/2; eʳ − 1 = r + r²·P(r) with Cephes expf's minimax
 * polynomial (relative error ~1e-7); then eᶻ − 1 = s·(eʳ − 1) + (s − 1), s = 2ⁿ exact, which keeps full relative
 * precision near 0 (no cancellation in eᶻ − 1). Inputs below −87 give −1 (eᶻ underflows float32's normal range); NaN
 * stays NaN. n is rounded by adding 1.5·2²³, which also leaves it as an integer in the sum's low bits: no
 * float-to-int conversion (V8 expands the saturating one into several instructions). The reduction, the polynomial
 * and the scaling are multiply-adds: one FMA each in the relaxed-SIMD build (fewer roundings; a SELU layer of
 * 128×256 in 40 µs against 57 µs with separate mul and add, docs/performance.md), mul then add in the plain build;
 * both builds are tested to 2e-7 relative of float64's expm1.
 */
@inline export function expm1Neg(z: v128): v128 {
  // pmax(−87, z) is one maxps and, unlike f32x4.max's NaN handling sequence, returns z when z is NaN.
  const x = f32x4.pmax(f32x4.splat(-87), z);
  const t = madd(x, f32x4.splat(LOG2E), f32x4.splat(ROUNDER));
  const n = f32x4.sub(t, f32x4.splat(ROUNDER));
  const r = madd(n, f32x4.splat(-LN2_LO), madd(n, f32x4.splat(-LN2_HI), x));
  let p = f32x4.splat(1.9875691500e-4);
  p = madd(p, r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  const em1r = madd(f32x4.mul(p, r), r, r);
  // 2ⁿ: (n + 127) << 23, with n read from t's bits.
  const s = i32x4.shl(i32x4.add(i32x4.sub(t, i32x4.splat(ROUNDER_BITS)), i32x4.splat(127)), 23);
  return madd(s, em1r, f32x4.sub(s, f32x4.splat(1)));
}

/** Four floats at p, or the one at p in every lane (column tails). */
@inline export function ld(p: usize, wide: bool): v128 {
  return wide ? v128.load(p) : f32x4.splat(load<f32>(p));
}

/** Stores four lanes at p, or lane 0 only. */
@inline export function st(p: usize, v: v128, wide: bool): void {
  if (wide) v128.store(p, v);
  else store<f32>(p, f32x4.extract_lane(v, 0));
}
