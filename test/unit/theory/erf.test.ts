// Tests erf, erfc, erfcx against 50-digit mpmath values (test/fixtures/theory/erf-reference.json, made by
// generate_reference.py beside it) and against identities and the closed forms of alpha01 / lambda01.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SELU_ALPHA, SELU_LAMBDA } from '../../../src/core/theory/constants';
import { erf, erfc, erfcx } from '../../../src/core/theory/erf';
import reference from '../../fixtures/theory/erf-reference.json';
import { assertClose, assertRel } from './assertClose';

type Row = [number, number, number, number | null];
const rows = reference.rows as Row[];

// 1e-15 relative: the accuracy the issue asks for. The reference values are the float64 nearest to the 50-digit
// value (<= 1.1e-16 off), so this leaves ~9e-16 for our own error.
const TOL = 1e-15;
/** Below this magnitude the result is subnormal (fewer than 53 bits), so relative accuracy is meaningless. */
const TINY = 1e-290;

test('fixture covers every branch of the implementation', () => {
  assert.ok(rows.length > 1000, `fixture has ${rows.length} rows`);
  const xs = rows.map((r) => r[0]);
  for (const [lo, hi] of [
    [-0.5, 0.5],
    [0.5, 2.5],
    [2.5, 27],
    [-27, -0.5],
    [27, 1e300],
  ]) {
    assert.ok(xs.filter((x) => x >= (lo as number) && x < (hi as number)).length >= 20, `[${lo}, ${hi})`);
  }
});

test('erf matches mpmath to 1e-15 relative', () => {
  for (const [x, e] of rows) assertRel(erf(x), e, TOL, `erf(${x})`);
});

test('erfc matches mpmath to 1e-15 relative (absolute 1e-305 where the value is subnormal)', () => {
  for (const [x, , e] of rows) {
    if (Math.abs(e) < TINY) assert.ok(Math.abs(erfc(x) - e) < 1e-305, `erfc(${x}) = ${erfc(x)} vs ${e}`);
    else assertRel(erfc(x), e, TOL, `erfc(${x})`);
  }
});

test('erfcx matches mpmath to 1e-15 relative and overflows to Infinity below -26.6', () => {
  for (const [x, , , e] of rows) {
    if (e === null) assert.equal(erfcx(x), Number.POSITIVE_INFINITY, `erfcx(${x})`);
    else assertRel(erfcx(x), e, TOL, `erfcx(${x})`);
  }
});

test('special arguments', () => {
  assert.equal(erf(0), 0);
  assert.ok(Object.is(erf(-0), -0), 'erf keeps the sign of zero');
  assert.equal(erf(Number.POSITIVE_INFINITY), 1);
  assert.equal(erf(Number.NEGATIVE_INFINITY), -1);
  assert.equal(erfc(Number.POSITIVE_INFINITY), 0);
  assert.equal(erfc(Number.NEGATIVE_INFINITY), 2);
  assert.equal(erfcx(Number.POSITIVE_INFINITY), 0);
  assert.equal(erfcx(Number.NEGATIVE_INFINITY), Number.POSITIVE_INFINITY);
  assert.equal(erfcx(0), 1);
  for (const f of [erf, erfc, erfcx]) assert.ok(Number.isNaN(f(Number.NaN)));
});

test('identities hold at random points: erf + erfc = 1, erf odd, erfcx = exp(x^2) erfc', () => {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 12 - 6;
  for (let i = 0; i < 2000; i++) {
    const x = rand();
    // 3e-16 absolute: erf and erfc each within 1e-15 relative of values in [-1, 2], plus one rounding.
    assertClose(erf(x) + erfc(x), 1, 3e-15, `erf + erfc at ${x}`);
    assert.equal(erf(-x), -erf(x));
    // exp(x^2) itself carries ~x^2 * 1.1e-16 relative error from rounding x^2, hence 36 * 1.1e-16 + 2e-15.
    assertRel(erfcx(x), Math.exp(x * x) * erfc(x), 6e-15, `erfcx at ${x}`);
  }
});

test('closed forms of alpha01 and lambda01 (spec §1.2) reproduce the constants', () => {
  const c = erfc(Math.SQRT1_2);
  const e = Math.E;
  const alpha = -Math.sqrt(2 / Math.PI) / (c * Math.sqrt(e) - 1);
  const lambda =
    (1 - c * Math.sqrt(e)) *
    Math.sqrt(2 * Math.PI) *
    (2 * erfc(Math.SQRT2) * e * e +
      Math.PI * c * c * e -
      2 * (2 + Math.PI) * c * Math.sqrt(e) +
      Math.PI +
      2) **
      -0.5;
  // 1e-14: the closed forms cancel (c*sqrt(e) - 1 loses ~1 digit), so a few ulp of erfc grow to ~1e-15 and the
  // ~15 further operations add their own rounding.
  assertRel(alpha, SELU_ALPHA, 1e-14, 'alpha01');
  assertRel(lambda, SELU_LAMBDA, 1e-14, 'lambda01');
});
