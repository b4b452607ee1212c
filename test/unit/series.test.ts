/** Unit tests of src/core/series.ts: even thinning, LTTB and TensorBoard's debiased EMA. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { debiasedEma, evenIndices, lttbIndices, pick, thin } from '../../src/core/series';

describe('evenIndices / thin', () => {
  test('keeps everything when short enough, and first and last when thinning', () => {
    assert.deepEqual(evenIndices(4, 10), [0, 1, 2, 3]);
    assert.deepEqual(evenIndices(0, 10), []);
    const idx = evenIndices(1000, 5);
    assert.deepEqual(idx, [0, 250, 500, 749, 999]);
    assert.deepEqual(thin(['a', 'b', 'c', 'd', 'e'], 3), ['a', 'c', 'e']);
  });

  test('max below 2 still keeps both ends', () => {
    assert.deepEqual(evenIndices(10, 1), [0, 9]);
  });
});

describe('lttbIndices', () => {
  const x = Array.from({ length: 1000 }, (_, i) => i);

  test('returns at most `threshold` increasing indices with both ends', () => {
    const y = x.map((i) => Math.sin(i / 30));
    const idx = lttbIndices(x, y, 100);
    assert.ok(idx.length <= 100 && idx.length >= 98, `${idx.length}`);
    assert.equal(idx[0], 0);
    assert.equal(idx.at(-1), 999);
    for (let i = 1; i < idx.length; i++) assert.ok(idx[i]! > idx[i - 1]!);
  });

  test('keeps an isolated spike that even thinning would drop', () => {
    const y = x.map((i) => (i === 517 ? 50 : 0));
    assert.ok(!evenIndices(1000, 50).includes(517));
    assert.ok(lttbIndices(x, y, 50).includes(517));
  });

  test('keeps non-finite values (a divergence must stay visible)', () => {
    const y = x.map((i) => (i === 333 ? Number.NaN : i === 700 ? Infinity : Math.cos(i)));
    const idx = lttbIndices(x, y, 40);
    assert.ok(idx.includes(333) && idx.includes(700));
  });

  test('short series are returned whole', () => {
    assert.deepEqual(lttbIndices([0, 1, 2], [5, 6, 7], 10), [0, 1, 2]);
  });
});

describe('debiasedEma', () => {
  test('matches the bias-corrected recurrence computed by hand', () => {
    // s = 0.5: last1 = 0.5*1 = 0.5 -> 0.5/(1-0.5) = 1; last2 = 0.25 + 0.5*3 = 1.75 -> 1.75/0.75; last3 = 0.875 + 1 = 1.875 -> /0.875
    const out = debiasedEma([1, 3, 2], 0.5);
    const expected = [1, 1.75 / 0.75, 1.875 / 0.875];
    // 1e-12: a few float64 roundings of O(1) values.
    out.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-12, `${v} vs ${expected[i]}`));
  });

  test('the first smoothed value equals the first raw value (no bias towards 0)', () => {
    assert.equal(debiasedEma([7, 1, 1], 0.9)[0], 7);
  });

  test('constant series and smoothing 0 are returned unchanged; NaN passes through', () => {
    assert.deepEqual(debiasedEma([2, 2, 2], 0.6), [2, 2, 2]);
    assert.deepEqual(debiasedEma([1, 5, 3], 0), [1, 5, 3]);
    const out = debiasedEma([1, Number.NaN, 3], 0.5);
    assert.ok(Number.isNaN(out[1]));
    // After the NaN the average continues from the finite values only: t=2 -> (0.25 + 1.5)/0.75.
    assert.ok(Math.abs(out[2]! - 1.75 / 0.75) < 1e-12);
  });
});

test('pick selects the same indices from parallel columns', () => {
  assert.deepEqual(pick({ a: [1, 2, 3], b: [4, 5, 6] }, [0, 2]), { a: [1, 3], b: [4, 6] });
});

/** The previous debiasedEma and lttbIndices, kept as oracles: the loops that replaced them must agree bit for bit. */
function emaBefore(values: readonly number[], smoothing: number): number[] {
  const s = Math.min(Math.max(smoothing, 0), 0.999);
  const finite = values.filter((v) => Number.isFinite(v));
  const first = finite[0];
  if (s === 0 || first === undefined || finite.every((v) => v === first)) return [...values];
  let last = 0;
  let t = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    last = last * s + (1 - s) * v;
    t++;
    return last / (1 - s ** t);
  });
}

describe('series helpers against their previous forms', () => {
  const random = (seed: number) => () => {
    seed = (seed * 1664525 + 1013904223) % 2 ** 32;
    return seed / 2 ** 32;
  };
  test('debiasedEma: the same numbers bit for bit (NaN, infinities, constants, smoothing 0 to 0.999)', () => {
    const r = random(7);
    for (let trial = 0; trial < 300; trial++) {
      const n = Math.floor(r() * 1500);
      const values = Array.from({ length: n }, () => {
        const u = r();
        if (u < 0.02) return NaN;
        if (u < 0.03) return u < 0.025 ? Infinity : -Infinity;
        return trial % 17 === 0 ? 3 : (r() - 0.5) * 10 ** Math.floor(r() * 8 - 4);
      });
      const smoothing = [0, 0.1, 0.6, 0.9, 0.99, 0.999, 1.5, -1][trial % 8] as number;
      const got = debiasedEma(values, smoothing);
      const want = emaBefore(values, smoothing);
      assert.equal(got.length, want.length);
      for (let i = 0; i < want.length; i++) {
        assert.ok(Object.is(got[i], want[i]), `trial ${trial}, index ${i}`);
      }
    }
  });

  test('lttbIndices: increasing unique indices, the same as sorting and de-duplicating, with and without NaN', () => {
    const r = random(11);
    for (let trial = 0; trial < 200; trial++) {
      const n = 3 + Math.floor(r() * 3000);
      const x = Array.from({ length: n }, (_, i) => i);
      const y = Array.from({ length: n }, () => (trial % 3 === 0 && r() < 0.01 ? NaN : r()));
      const idx = lttbIndices(x, y, 3 + Math.floor(r() * 400));
      assert.deepEqual(
        idx,
        [...new Set(idx)].sort((p, q) => p - q),
        `trial ${trial}`,
      );
      for (let i = 0; i < n; i++) {
        if (Number.isNaN(y[i])) assert.ok(idx.includes(i), `trial ${trial}: NaN at ${i} kept`);
      }
    }
  });
});
