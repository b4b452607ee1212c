// Tests the special functions and distributions of src/core/study against 50-digit mpmath values (cross-checked with
// scipy) in test/fixtures/study/distributions.json, made by generate_reference.py beside it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  normalCdf,
  normalSf,
  studentTCdf,
  studentTQuantile,
  studentTSf,
  studentTUpperQuantile,
} from '../../../src/core/study/distributions';
import { binomialHalfLowerTail } from '../../../src/core/study/signTest';
import { incompleteBeta, logBeta, logGamma } from '../../../src/core/study/special';
import reference from '../../fixtures/study/distributions.json';
import { assertClose, assertRel } from '../theory/assertClose';

// The target for methods that are exact: 1e-10 relative. The reference is the float64 nearest to a
// 50-digit value, so the whole budget is our own error (measured worst cases are in docs/studies.md#numerics).
const TOL = 1e-10;
/** Below this the value is subnormal or nearly so; compared absolutely. */
const TINY = 1e-290;

function assertRelOrTiny(actual: number, expected: number, what: string): void {
  if (Math.abs(expected) < TINY) {
    assert.ok(Math.abs(actual - expected) < 1e-295, `${what}: ${actual} vs ${expected}`);
  } else assertRel(actual, expected, TOL, what);
}

test('incomplete beta: both tails match mpmath to 1e-10 relative over a = b = 0.5..2500, x = 1e-10..0.9999', () => {
  const rows = reference.incompleteBeta as [number, number, number, number, number][];
  assert.ok(rows.length >= 1000, `${rows.length} rows`);
  for (const [a, b, x, lower, upper] of rows) {
    const got = incompleteBeta(a, b, x);
    assertRelOrTiny(got.lower, lower, `I_${x}(${a}, ${b})`);
    assertRelOrTiny(got.upper, upper, `1 - I_${x}(${a}, ${b})`);
  }
});

test('ln B(a, b) matches mpmath to 1e-13 absolute (1e-13 relative beyond 1)', () => {
  for (const [a, b, expected] of reference.logBeta as [number, number, number][]) {
    assertClose(logBeta(a, b), expected, 1e-13, `ln B(${a}, ${b})`);
  }
  assertClose(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-15, 'ln Gamma(1/2)');
  assertClose(logGamma(1), 0, 1e-15, 'ln Gamma(1)');
  assertClose(logGamma(11), Math.log(3628800), 1e-15, 'ln Gamma(11) = ln 10!');
});

test('Student t CDF and survival function match mpmath to 1e-10 relative (df 1..1000 and 2.5; |t| up to 1e4)', () => {
  for (const [df, t, cdf, sf] of reference.studentT as [number, number, number, number][]) {
    assertRelOrTiny(studentTCdf(t, df), cdf, `cdf(${t}; ${df})`);
    assertRelOrTiny(studentTSf(t, df), sf, `sf(${t}; ${df})`);
  }
});

test('Student t quantile matches mpmath to 1e-10 relative, tails down to 1e-12', () => {
  for (const [df, q, isf] of reference.studentTQuantile as [number, number, number][]) {
    if (isf === 0) assert.equal(studentTUpperQuantile(q, df), 0);
    else assertRel(studentTUpperQuantile(q, df), isf, TOL, `isf(${q}; ${df})`);
    if (isf !== 0) assertRel(studentTQuantile(q, df), -isf, TOL, `ppf(${q}; ${df})`);
  }
  // Closed forms: Cauchy (df 1) t = tan(pi (p - 1/2)); df 2 t = (2p - 1) / sqrt(2 p (1 - p)).
  for (const p of [0.6, 0.75, 0.9, 0.975, 0.999]) {
    assertRel(studentTQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)), 1e-13, `Cauchy quantile ${p}`);
    assertRel(studentTQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 1e-13, `df-2 quantile ${p}`);
  }
});

test('normal CDF and survival function match mpmath to 1e-13 relative, to z = -37', () => {
  for (const [z, cdf, sf] of reference.normal as [number, number, number][]) {
    assertRelOrTiny(normalCdf(z), cdf, `Phi(${z})`);
    assertRel(normalCdf(z), cdf, 1e-13, `Phi(${z})`);
    assertRel(normalSf(z), sf, 1e-13, `1 - Phi(${z})`);
  }
});

test('Binomial(n, 1/2) lower tail matches mpmath: exact sum to n = 2000 (1e-15), incomplete beta above (1e-10)', () => {
  for (const [m, n, tail] of reference.binomialHalf as [number, number, number][]) {
    const got = binomialHalfLowerTail(m, n);
    if (tail < TINY) assert.ok(got < 1e-295, `P(X <= ${m}), n = ${n}: ${got}`);
    else assertRel(got, tail, n <= 2000 ? 1e-15 : TOL, `P(X <= ${m}), n = ${n}`);
  }
});

test('edge arguments give the limits or NaN, never a throw', () => {
  assert.equal(studentTSf(Number.POSITIVE_INFINITY, 3), 0);
  assert.equal(studentTCdf(Number.POSITIVE_INFINITY, 3), 1);
  assert.equal(studentTSf(0, 7), 0.5);
  assert.ok(Number.isNaN(studentTSf(1, 0)));
  assert.ok(Number.isNaN(studentTSf(Number.NaN, 3)));
  assert.equal(studentTUpperQuantile(0, 4), Number.POSITIVE_INFINITY);
  assert.equal(studentTQuantile(1, 4), Number.POSITIVE_INFINITY);
  assert.ok(Number.isNaN(studentTQuantile(1.5, 4)));
  assert.deepEqual(incompleteBeta(2, 3, 0), { lower: 0, upper: 1 });
  assert.deepEqual(incompleteBeta(2, 3, 1), { lower: 1, upper: 0 });
  assert.ok(Number.isNaN(incompleteBeta(-1, 3, 0.5).lower));
});
