// Activation functions and their derivatives as SIMD lane functions, for the fused layer kernels (layers.ts). The
// codes match ACTIVATION_CODES in src/trainer/wasmMlp.ts. Formulas follow src/trainer/activations.ts (tfjs's ops):
// leaky_relu's slope and SELU's λ, λα come in as p1, p2; gelu is the exact erf form with tfjs's erf approximation.
import { expm1Neg } from './simd';

export const LINEAR = 0;
export const RELU = 1;
export const SELU = 2;
export const ELU = 3;
export const LEAKY_RELU = 4;
export const TANH = 5;
export const SWISH = 6;
export const GELU = 7;

const SIGN: i32 = 0x80000000;

/** e^(−|z|) in (0, 1]. */
@inline function expNegAbs(z: v128): v128 {
  return f32x4.add(expm1Neg(f32x4.neg(f32x4.abs(z))), f32x4.splat(1));
}

/** The logistic function 1/(1 + e^(−z)), from e^(−|z|) so that it never overflows. */
@inline function sigmoid(z: v128): v128 {
  const e = expNegAbs(z);
  const s = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), e));
  return v128.bitselect(s, f32x4.mul(e, s), f32x4.ge(z, f32x4.splat(0)));
}

/**
 * erf(x) by Abramowitz & Stegun 7.1.26 (absolute error ≤ 1.5e-7), the approximation tfjs's Erf kernel uses:
 * 1 − (a₁t + a₂t² + a₃t³ + a₄t⁴ + a₅t⁵)·e^(−x²), t = 1/(1 + p|x|), with the sign of x.
 */
@inline function erf(x: v128): v128 {
  const ax = f32x4.abs(x);
  const t = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), f32x4.mul(ax, f32x4.splat(0.3275911))));
  let p = f32x4.splat(1.061405429);
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-1.453152027));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.421413741));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.284496736));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.254829592));
  const e = f32x4.add(expm1Neg(f32x4.neg(f32x4.mul(ax, ax))), f32x4.splat(1));
  const r = f32x4.sub(f32x4.splat(1), f32x4.mul(f32x4.mul(p, t), e));
  return v128.or(r, v128.and(x, i32x4.splat(SIGN)));
}

/** f(z) for activation `act`. */
@inline export function activate(z: v128, act: i32, p1: v128, p2: v128): v128 {
  const zero = f32x4.splat(0);
  switch (act) {
    case RELU:
      // pmax(0, z) = z < 0 ? 0 : z: one instruction, and a NaN stays NaN (so a diverged net's loss is NaN).
      return f32x4.pmax(zero, z);
    case SELU:
      return v128.bitselect(f32x4.mul(z, p1), f32x4.mul(expm1Neg(z), p2), f32x4.gt(z, zero));
    case ELU:
      return v128.bitselect(z, expm1Neg(z), f32x4.gt(z, zero));
    case LEAKY_RELU:
      return v128.bitselect(z, f32x4.mul(z, p1), f32x4.gt(z, zero));
    case TANH: {
      // tanh|z| = −e/(2 + e) with e = e^(−2|z|) − 1: full relative precision near 0, no overflow.
      const e = expm1Neg(f32x4.mul(f32x4.abs(z), f32x4.splat(-2)));
      const t = f32x4.div(f32x4.neg(e), f32x4.add(e, f32x4.splat(2)));
      return v128.or(t, v128.and(z, i32x4.splat(SIGN)));
    }
    case SWISH:
      return f32x4.mul(z, sigmoid(z));
    case GELU:
      return f32x4.mul(f32x4.mul(z, f32x4.splat(0.5)), f32x4.add(f32x4.splat(1), erf(f32x4.mul(z, f32x4.splat(0.70710678118654752)))));
    default:
      return z;
  }
}

/** f'(z), from the output y where that is enough (tfjs's gradients do the same) and from z otherwise. */
@inline export function derivative(y: v128, z: v128, act: i32, p1: v128, p2: v128): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  switch (act) {
    case RELU:
      return v128.and(one, f32x4.gt(y, zero));
    case SELU:
      return v128.bitselect(p1, f32x4.add(y, p2), f32x4.gt(y, zero));
    case ELU:
      return v128.bitselect(one, f32x4.add(y, one), f32x4.gt(y, zero));
    case LEAKY_RELU:
      return v128.bitselect(one, p1, f32x4.gt(y, zero));
    case TANH:
      return f32x4.sub(one, f32x4.mul(y, y));
    case SWISH: {
      const s = sigmoid(z);
      return f32x4.mul(s, f32x4.add(one, f32x4.mul(z, f32x4.sub(one, s))));
    }
    case GELU: {
      // ½(1 + erf(z/√2)) + z·φ(z), φ the standard normal density.
      const cdf = f32x4.mul(f32x4.splat(0.5), f32x4.add(one, erf(f32x4.mul(z, f32x4.splat(0.70710678118654752)))));
      const density = f32x4.add(expm1Neg(f32x4.mul(f32x4.mul(z, z), f32x4.splat(-0.5))), one);
      return f32x4.add(cdf, f32x4.mul(z, f32x4.mul(density, f32x4.splat(0.3989422804014327))));
    }
    default:
      return one;
  }
}
