// Tests alpha-dropout a, b against docs/snn-spec.md §4.2 and checks that the correction preserves the moments.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alphaDropoutParams } from '../../../src/core/theory/alphaDropout';
import { SELU_ALPHA_PRIME } from '../../../src/core/theory/constants';
import { assertClose, assertRel } from './assertClose';

// §4.2 table, computed there with alpha' = -1.7580993408473768599 at 40 digits. b(0.5) is written as the float64
// nearest to its 40-digit value 0.77919393051803164894 (the spec truncates it to 0.7791939305180316).
const TABLE: [number, number, number, number][] = [
  [0.01, 0.9898564313571359, 0.01740265939502517, -1.72286328011],
  [0.05, 0.9548444760050309, 0.08393557219381019, -1.59477587168],
  [0.1, 0.9212845161497115, 0.1619709700575702, -1.45773873052],
  [0.2, 0.8789035834435329, 0.3090399621440945, -1.23615984858],
  [0.5, 0.8864048946659318, 0.7791939305180317, -0.779193930518],
];

test('a, b for the (0, 1) fixed point match §4.2 to 1e-14', () => {
  for (const [rate, a, b, dropped] of TABLE) {
    const r = alphaDropoutParams(rate);
    // 1e-14 relative (spec §8): a few float64 operations, each within 1.1e-16, on 16-17 digit reference values.
    assertRel(r.a, a, 1e-14, `a(${rate})`);
    assertRel(r.b, b, 1e-14, `b(${rate})`);
    // The spec prints the dropped value to 12 significant digits only.
    assertRel(r.droppedValue, dropped, 1e-11, `dropped(${rate})`);
    assert.equal(r.alphaPrime, SELU_ALPHA_PRIME);
  }
});

/** Exact mean and variance of y = a*x~ + b where x~ = x with prob q and alpha' otherwise. */
function moments(rate: number, mean: number, variance: number, alphaPrime: number, a: number, b: number) {
  const q = 1 - rate;
  const m = q * mean + rate * alphaPrime;
  const v = q * (rate * (alphaPrime - mean) ** 2 + variance);
  return { mean: a * m + b, variance: a * a * v };
}

test('general fixed point: the correction restores (mean, variance) for several rates', () => {
  for (const fp of [
    { mean: 0, variance: 2 },
    { mean: -0.1, variance: 2 },
    { mean: 0.3, variance: 0.5 },
  ]) {
    for (const rate of [0.05, 0.1, 0.3]) {
      const p = { alpha: 1.9, lambda: 1.07 };
      const r = alphaDropoutParams(rate, fp, p);
      assertClose(r.alphaPrime, -1.9 * 1.07, 1e-15, 'alpha prime');
      const m = moments(rate, fp.mean, fp.variance, r.alphaPrime, r.a, r.b);
      // 1e-14: only rounding in a handful of operations separates the moments from the target.
      assertClose(m.mean, fp.mean, 1e-14, `mean ${rate}`);
      assertClose(m.variance, fp.variance, 1e-14, `variance ${rate}`);
    }
  }
});

test('repo notebook case: fixed point (-0.1, 2) uses the general formula, not the (0, 1) one', () => {
  const general = alphaDropoutParams(0.05, { mean: -0.1, variance: 2 });
  const standard = alphaDropoutParams(0.05);
  assert.notEqual(general.a, standard.a);
  assert.notEqual(general.b, standard.b);
});

test('rate 0 is the identity; invalid arguments throw with the argument named', () => {
  const r = alphaDropoutParams(0);
  assert.equal(r.a, 1);
  assert.equal(r.b, 0);
  for (const bad of [-0.1, 1, 1.5, Number.NaN]) {
    assert.throws(() => alphaDropoutParams(bad), /rate must be in \[0, 1\)/);
  }
  assert.throws(() => alphaDropoutParams(0.1, { mean: 0, variance: 0 }), /variance must be .* > 0/);
  assert.throws(() => alphaDropoutParams(0.1, { mean: Number.POSITIVE_INFINITY, variance: 1 }), /mean/);
});
