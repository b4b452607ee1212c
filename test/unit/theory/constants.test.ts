// Tests the SELU constants and the selu function against the values of docs/snn-spec.md §0 and §1.1.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  alphaPrimeOf,
  DEFAULT_SELU,
  SELU_ALPHA,
  SELU_ALPHA_PRIME,
  SELU_LAMBDA,
} from '../../../src/core/theory/constants';
import { selu, seluDerivative } from '../../../src/core/theory/selu';
import { assertClose } from './assertClose';

test('constants are the correctly rounded float64 of the 34-digit values', () => {
  // Exact equality: a float64 literal of the 34-digit decimal is the correctly rounded value, and these
  // shortest round-trip strings are what Python's float() gives for the same decimals.
  assert.equal(SELU_ALPHA, 1.6732632423543772);
  assert.equal(SELU_LAMBDA, 1.0507009873554805);
  assert.equal(SELU_ALPHA_PRIME, -1.7580993408473768);
  assert.deepEqual({ ...DEFAULT_SELU }, { alpha: SELU_ALPHA, lambda: SELU_LAMBDA });
});

test('alphaPrimeOf derives -lambda*alpha for custom parameters and keeps the exact default', () => {
  assert.equal(alphaPrimeOf(), SELU_ALPHA_PRIME);
  assert.equal(alphaPrimeOf({ alpha: 2, lambda: 1.5 }), -3);
  // Within 1 ulp of the float64 product for the defaults (spec §0: the product is one ulp off).
  assertClose(-SELU_ALPHA * SELU_LAMBDA, SELU_ALPHA_PRIME, 3e-16, 'product vs constant');
});

test('selu matches the spec values (§1.1)', () => {
  // 1e-15 relative: the spec gives 17 significant digits (-1.7580993408473769 written as the float64 it
  // rounds to), and selu is one or two float64 operations.
  assertClose(selu(1), 1.0507009873554805, 1e-15, 'selu(1)');
  assertClose(selu(-1), -1.1113307378125628, 1e-15, 'selu(-1)');
  assertClose(selu(-50), -1.7580993408473768, 1e-15, 'selu(-inf)');
  assert.equal(selu(0), 0);
  assertClose(selu(-1e-20), -1.7580993408473768e-20, 1e-15, 'expm1 keeps small negatives accurate');
  assert.equal(selu(2, { alpha: 1, lambda: 3 }), 6);
  assertClose(selu(-1, { alpha: 2, lambda: 3 }), 6 * Math.expm1(-1), 1e-15, 'custom params');
});

test('seluDerivative: lambda for x > 0, lambda*alpha*e^x otherwise (left derivative at 0)', () => {
  assert.equal(seluDerivative(0.5), SELU_LAMBDA);
  assertClose(seluDerivative(0), 1.7580993408473768, 1e-15, 'left derivative at 0');
  assertClose(seluDerivative(-2, { alpha: 2, lambda: 3 }), 6 * Math.exp(-2), 1e-15, 'custom');
  // Central finite difference at a negative point agrees to ~1e-9 (truncation error h^2 ~ 1e-10).
  const h = 1e-5;
  const fd = (selu(-0.7 + h) - selu(-0.7 - h)) / (2 * h);
  assertClose(seluDerivative(-0.7), fd, 1e-9, 'finite difference');
});
