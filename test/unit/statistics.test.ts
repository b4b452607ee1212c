// Unit tests of the pure statistics reductions (src/core/statistics.ts) against hand-computed values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  deadUnitFraction,
  distribution,
  histogram,
  moments,
  percentiles,
  saturatedFraction,
  TB_PERCENTILES,
  weightStats,
} from '../../src/core/statistics';

/** Float64 sums of a few values: exact up to rounding of the last digits. */
const close = (actual: number, expected: number, tol = 1e-12): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} != ${expected} (tol ${tol})`);

describe('moments', () => {
  it('computes the mean and population variance', () => {
    const m = moments([1, 2, 3, 4]);
    close(m.mean, 2.5);
    close(m.variance, 1.25);
    assert.ok(Number.isNaN(moments([]).mean));
  });
});

describe('percentiles', () => {
  it('interpolates linearly between order statistics (numpy "linear")', () => {
    // 0..10: position p/100*10, so the 6.68 % point is 0.668, the 30.85 % point 3.085.
    const values = [10, 3, 7, 0, 5, 1, 9, 2, 8, 4, 6];
    const ps = percentiles(values);
    TB_PERCENTILES.forEach((p, i) => close(ps[i] as number, p / 10, 1e-12));
  });
  it('handles ties (many zeros, as ReLU gives) and ignores non-finite values', () => {
    const values = [...new Array(1000).fill(0), 1, 2, NaN, Infinity];
    const ps = percentiles(values, [0, 50, 100]);
    assert.deepEqual(ps, [0, 0, 2]);
    assert.deepEqual(percentiles([NaN], [50]).map(Number.isNaN), [true]);
  });
  it('agrees with a full sort on random data', () => {
    let s = 12345;
    const values = Array.from({ length: 5001 }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 10 - 5);
    const sorted = [...values].sort((a, b) => a - b);
    const ps = percentiles(values, [0, 15.87, 50, 93.32, 100]);
    // position p/100*5000 falls on an integer or half-integer here; check against the sorted copy.
    [0, 15.87, 50, 93.32, 100].forEach((p, i) => {
      const x = (p / 100) * 5000;
      const lo = Math.floor(x);
      const expected =
        (sorted[lo] as number) + (x - lo) * ((sorted[Math.ceil(x)] as number) - (sorted[lo] as number));
      close(ps[i] as number, expected, 1e-12);
    });
  });
});

/** Percentile by a full sort (numpy "linear"), the reference for the bucketed selection. */
function sortedPercentile(values: number[], p: number): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const x = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(x);
  return (sorted[lo] as number) + (x - lo) * ((sorted[Math.ceil(x)] as number) - (sorted[lo] as number));
}

describe('percentiles by value buckets', () => {
  let s = 777;
  const uniform = (): number => (s = (s * 16807) % 2147483647) / 2147483647;
  const cases: [string, number[]][] = [
    [
      '32,768 normal-ish SELU outputs',
      Array.from({ length: 32768 }, () => uniform() + uniform() + uniform() - 1.5),
    ],
    // One outlier squeezes every other value into the first bucket: selection must still be exact.
    ['an extreme outlier', [...Array.from({ length: 5000 }, uniform), 1e9]],
    ['half ties at zero (ReLU)', Array.from({ length: 4096 }, (_, i) => (i % 2 ? 0 : uniform()))],
    ['few distinct values', Array.from({ length: 3000 }, (_, i) => i % 3)],
    [
      'saturated SELU values',
      Array.from({ length: 2000 }, (_, i) => (i % 5 ? -1.7580993408473766 : uniform())),
    ],
  ];
  for (const [name, values] of cases) {
    it(`equal a full sort exactly: ${name}`, () => {
      const ps = percentiles(values);
      // Same order statistics and the same interpolation formula: equal to the last bit.
      TB_PERCENTILES.forEach((p, i) => assert.equal(ps[i], sortedPercentile(values, p), `p${p}`));
    });
  }
});

describe('histogram', () => {
  it('bins over [lo, hi) with under/over counts', () => {
    const h = histogram([-2, -1, -0.5, 0, 0.49, 0.5, 1, 3, NaN], -1, 1, 4);
    assert.deepEqual(h.counts, [1, 1, 2, 1]);
    assert.equal(h.under, 1);
    assert.equal(h.over, 2);
    assert.equal(h.lo, -1);
    assert.equal(h.hi, 1);
  });
});

describe('distribution', () => {
  it('gives the same numbers on its fused path as its parts computed separately', () => {
    let s = 99;
    const values = Float32Array.from(
      { length: 10000 },
      () => ((s = (s * 16807) % 2147483647) / 2147483647) * 8 - 3,
    );
    const d = distribution(values, 5, 40);
    const m = moments(values);
    // Same float64 summation order in both: identical, not merely close.
    assert.equal(d.mean, m.mean);
    assert.equal(d.variance, m.variance);
    assert.deepEqual(d.percentiles, percentiles(values));
    assert.deepEqual(d.histogram, histogram(values, -5, 5, 40));
    assert.equal(d.min, Math.min(...values));
    assert.equal(d.max, Math.max(...values));
  });
  it('keeps NaN in the moments but not in the percentiles when a value is not finite', () => {
    const d = distribution([1, NaN, 3, 2], 5, 4);
    assert.ok(Number.isNaN(d.mean));
    assert.deepEqual([d.percentiles[0], d.percentiles[4], d.percentiles[8]], [1, 2, 3]);
  });
  it('combines moments, extremes, percentiles and histogram', () => {
    const d = distribution([1, -1, 3, -3], 2, 2);
    close(d.mean, 0);
    close(d.variance, 5);
    assert.equal(d.min, -3);
    assert.equal(d.max, 3);
    assert.equal(d.percentiles.length, 9);
    assert.deepEqual(d.histogram.counts, [1, 1]);
    assert.equal(d.histogram.under + d.histogram.over, 2);
  });
});

describe('weightStats', () => {
  it('computes per-unit omega = sum w and tau = sum w^2 over a [fanIn, units] matrix', () => {
    // Columns: unit 0 = (1, 3) -> omega 4, tau 10; unit 1 = (2, -2) -> omega 0, tau 8.
    const w = weightStats([1, 2, 3, -2], 2, 2);
    close(w.mean, 1);
    close(w.variance, (0 + 1 + 4 + 9) / 4);
    close(w.omegaMean, 2);
    close(w.omegaStd, 2);
    close(w.tauMean, 9);
    close(w.tauStd, 1);
  });
});

describe('saturation and dead units', () => {
  it('counts values within a relative tolerance of the saturation value', () => {
    const target = -1.7580993408473768;
    assert.equal(saturatedFraction([target, target * 1.0005, target * 1.01, 0], target), 0.5);
  });
  it('counts columns that are zero in every row', () => {
    // rows x units = 3 x 3: unit 0 always zero, unit 1 once non-zero, unit 2 always zero.
    assert.equal(deadUnitFraction([0, 0, 0, 0, 1, 0, 0, 0, 0], 3, 3), 2 / 3);
  });
});
