// createRng: reproducible streams, uniform range, and normal moments.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng, deriveSeed } from '../../../src/core/random';

test('same seed, same stream; different seeds differ', () => {
  const a = createRng(42);
  const b = createRng(42);
  const c = createRng(43);
  const sa = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(
    sa,
    Array.from({ length: 5 }, () => b.next()),
  );
  assert.notDeepEqual(
    sa,
    Array.from({ length: 5 }, () => c.next()),
  );
});

test('next() stays in [0, 1) and normal() has mean 0, variance 1', () => {
  const rng = createRng(7);
  const n = 200_000;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    assert.ok(u >= 0 && u < 1);
    const z = rng.normal();
    sum += z;
    sumSq += z * z;
  }
  const mean = sum / n;
  const variance = sumSq / n - mean * mean;
  // Tolerance 0.01: the standard error of the mean is 1/sqrt(2e5) = 0.0022 and of the variance ~0.0032 (4-5 sigma).
  assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.015, `variance ${variance}`);
});

test('shuffle is a permutation and int() covers its range', () => {
  const rng = createRng(1);
  const items = Array.from({ length: 100 }, (_, i) => i);
  const shuffled = rng.shuffle([...items]);
  assert.notDeepEqual(shuffled, items);
  assert.deepEqual(
    [...shuffled].sort((x, y) => x - y),
    items,
  );
  const seen = new Set(Array.from({ length: 1000 }, () => rng.int(5)));
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4]);
});

test('deriveSeed separates streams by label', () => {
  assert.equal(deriveSeed(1, 'split'), deriveSeed(1, 'split'));
  assert.notEqual(deriveSeed(1, 'split'), deriveSeed(1, 'synthetic'));
  assert.notEqual(deriveSeed(1, 'split'), deriveSeed(2, 'split'));
});
