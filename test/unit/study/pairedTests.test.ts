// Tests describe, the paired t-test, Wilcoxon's signed-rank test and the sign test of src/core/study against scipy
// (and exact enumerations) in test/fixtures/study/tests.json, made by generate_reference.py beside it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describe } from '../../../src/core/study/describe';
import { StudyInputError } from '../../../src/core/study/inputError';
import { signTest } from '../../../src/core/study/signTest';
import { pairedTTest } from '../../../src/core/study/tTest';
import { wilcoxonSignedRank, type ZeroMethod } from '../../../src/core/study/wilcoxon';
import reference from '../../fixtures/study/tests.json';
import { assertClose, assertRel } from '../theory/assertClose';

/** The target where the method is exact (every reference here is exact or float64-rounded scipy). */
const TOL = 1e-10;

const parse = (v: number | string): number => (typeof v === 'number' ? v : Number(v));

test('describe: n, mean, std, t interval, min and max match numpy/mpmath (1e-12 relative); NaN/Inf excluded and counted', () => {
  assert.ok(reference.describe.length >= 20);
  for (const c of reference.describe) {
    const got = describe(c.values.map(parse), { level: c.level });
    assert.equal(got.n, c.n);
    assert.equal(got.excluded, c.excluded);
    assertRel(got.mean, c.mean, 1e-14, 'mean');
    assert.equal(got.min, c.min);
    assert.equal(got.max, c.max);
    if (c.std === null) {
      assert.ok(
        Number.isNaN(got.std) && Number.isNaN(got.ciLow) && Number.isNaN(got.ciHigh),
        'n = 1: no spread',
      );
      continue;
    }
    // 1e-12: the spread of 30 values ~1e-3 around 100 loses ~5 digits to the data's own rounding.
    assertRel(got.std, c.std, 1e-10, `std of ${c.values.length}`);
    assertClose(got.ciLow, c.ciLow as number, 1e-12, `ciLow at ${c.level}`);
    assertClose(got.ciHigh, c.ciHigh as number, 1e-12, `ciHigh at ${c.level}`);
  }
  const empty = describe([]);
  assert.equal(empty.n, 0);
  assert.ok(Number.isNaN(empty.mean) && Number.isNaN(empty.min));
});

test('paired t-test: t, p and the 95 % interval of the mean difference match scipy.stats.ttest_rel to 1e-10', () => {
  for (const c of reference.pairedTTest) {
    const got = pairedTTest(c.a, c.b);
    assert.equal(got.df, c.df);
    assertRel(got.t, c.t, 1e-12, `t, n = ${c.a.length}`);
    assertRel(got.p, c.p, TOL, `p, n = ${c.a.length}`);
    assertRel(got.meanDifference, c.meanDifference, 1e-12, 'mean difference');
    assertClose(got.ciLow, c.ciLow, 1e-12, 'ciLow');
    assertClose(got.ciHigh, c.ciHigh, 1e-12, 'ciHigh');
  }
});

test('paired t-test degenerate cases: constant non-zero difference gives p = 0, all-equal gives NaN, n = 1 gives NaN', () => {
  const constant = pairedTTest([1, 2, 3], [0.5, 1.5, 2.5]);
  assert.equal(constant.p, 0);
  assert.equal(constant.t, Number.POSITIVE_INFINITY);
  assert.ok(Number.isNaN(pairedTTest([1, 2], [1, 2]).p));
  assert.ok(Number.isNaN(pairedTTest([1], [2]).p));
});

test('Wilcoxon exact without ties (scipy exact), with ties and zeros (exact enumeration = scipy permutation_test)', () => {
  const exact = reference.wilcoxon.filter((c) => c.method === 'exact');
  assert.ok(exact.length >= 30);
  for (const c of exact) {
    const got = wilcoxonSignedRank(c.a, c.b, { zeroMethod: c.zeroMethod as ZeroMethod });
    assert.equal(got.method, 'exact', `n = ${c.a.length} is tested exactly`);
    const what = `${c.source}, n = ${c.a.length}, ${c.zeroMethod}`;
    // The exact p is a sum of at most 2^50 dyadic probabilities: 1e-12 covers the float64 summation.
    assertRel(got.p, c.p, 1e-12, what);
    if ('statistic' in c) assert.equal(got.statistic, c.statistic, what);
    if ('rPlus' in c) {
      assert.equal(got.rPlus, c.rPlus, `R+ ${what}`);
      assert.equal(got.rMinus, c.rMinus, `R- ${what}`);
    }
  }
});

test('Wilcoxon normal approximation with tie, zero (Pratt, Wilcox, zsplit) and continuity corrections matches scipy', () => {
  const normal = reference.wilcoxon.filter((c) => c.method === 'normal');
  assert.ok(normal.length >= 20);
  for (const c of normal) {
    const correction = 'continuityCorrection' in c ? Boolean(c.continuityCorrection) : true;
    const got = wilcoxonSignedRank(c.a, c.b, {
      zeroMethod: c.zeroMethod as ZeroMethod,
      method: 'normal',
      continuityCorrection: correction,
    });
    const what = `n = ${c.a.length}, ${c.zeroMethod}, correction ${correction}`;
    assert.equal(got.method, 'normal');
    assert.equal(got.statistic, c.statistic, what);
    assertRel(got.p, c.p, TOL, what);
  }
  // 'auto' switches to the normal approximation above 50 pairs.
  const big = normal.find((c) => c.a.length > 50);
  assert.ok(big);
  assert.equal(wilcoxonSignedRank(big.a, big.b).method, 'normal');
});

test('Wilcoxon: all differences zero gives NaN (nothing to test); bad input throws StudyInputError', () => {
  const zero = wilcoxonSignedRank([1, 2, 3], [1, 2, 3]);
  assert.ok(Number.isNaN(zero.p));
  assert.equal(zero.zeros, 3);
  assert.throws(() => wilcoxonSignedRank([1, 2], [1]), StudyInputError);
  assert.throws(() => wilcoxonSignedRank([1, Number.NaN], [1, 2]), /pair 1 is not finite/);
  assert.throws(
    () => wilcoxonSignedRank(new Array(201).fill(1), new Array(201).fill(0), { method: 'exact' }),
    /200 pairs/,
  );
});

test('Wilcoxon: the smallest two-sided p with n pairs is 2 / 2^n, and 5 pairs cannot reach 0.05', () => {
  assert.equal(wilcoxonSignedRank([1, 2, 3, 4, 5], [0, 0, 0, 0, 0]).p, 2 / 32);
  assert.equal(wilcoxonSignedRank([1, 2, 3, 4, 5, 6], [0, 0, 0, 0, 0, 0]).p, 2 / 64);
});

test('sign test matches scipy.stats.binomtest (two-sided, p = 1/2), ties dropped', () => {
  for (const c of reference.signTest) {
    const a = [...new Array(c.wins).fill(1), ...new Array(c.losses).fill(0), ...new Array(c.ties).fill(0.5)];
    const b = [...new Array(c.wins).fill(0), ...new Array(c.losses).fill(1), ...new Array(c.ties).fill(0.5)];
    const got = signTest(a, b);
    assert.deepEqual([got.wins, got.losses, got.ties, got.n], [c.wins, c.losses, c.ties, c.wins + c.losses]);
    assertRel(got.p, c.p, TOL, `${c.wins} wins, ${c.losses} losses`);
  }
  assert.ok(Number.isNaN(signTest([1, 2], [1, 2]).p), 'only ties: nothing to test');
});

test('rank tests treat differences equal up to float rounding as ties (0.3 - 0.1 vs 0.4 - 0.2) and 0.1 + 0.2 - 0.3 as zero', () => {
  assert.notEqual(0.3 - 0.1, 0.4 - 0.2, 'the premise: float64 rounding makes them differ');
  const tied = wilcoxonSignedRank([0.3, 0.4, 0.9, 0.1 + 0.2], [0.1, 0.2, 0.6, 0.3]);
  assert.equal(tied.zeros, 1);
  assert.equal(tied.ties, true);
  assert.equal(tied.rPlus, 2.5 + 2.5 + 4, 'Pratt: the zero takes rank 1, the tied pair 2.5 each');
  const strict = wilcoxonSignedRank([0.3, 0.4, 0.9, 0.1 + 0.2], [0.1, 0.2, 0.6, 0.3], { tieTolerance: 0 });
  assert.equal(strict.zeros, 0);
  assert.equal(strict.ties, false);
  assert.deepEqual(signTest([0.1 + 0.2, 0.5], [0.3, 0.4]), { wins: 1, losses: 0, ties: 1, n: 1, p: 1 });
});
