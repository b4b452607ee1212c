// The number formats `snn-lab study` and the Study tab share (core/study/format): one source for the digits both
// print.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describe } from '../../../src/core/study/describe';
import { formatCount, formatInterval, formatP, formatStat } from '../../../src/core/study/format';
import { defaultMetrics } from '../../../src/core/study/group';

test('formatStat: 4 decimals by default, NaN and infinities by name, "-" when absent', () => {
  assert.equal(formatStat(0.123456), '0.1235');
  assert.equal(formatStat(-1, 3), '-1.000');
  assert.equal(formatStat(Number.NaN), 'NaN');
  assert.equal(formatStat(Number.NEGATIVE_INFINITY), '-Infinity');
  assert.equal(formatStat(undefined), '-');
});

test('formatP: 4 decimals down to 1e-4, then 2 significant digits; 0 stays 0.0000; NaN is n/a', () => {
  assert.equal(formatP(0.04321), '0.0432');
  assert.equal(formatP(1e-4), '0.0001');
  assert.equal(formatP(3.456e-7), '3.5e-7');
  assert.equal(formatP(0), '0.0000');
  assert.equal(formatP(Number.NaN), 'n/a');
});

test('formatCount and formatInterval: n with non-finite and missing runs, the t interval from two values on', () => {
  const s = describe([1, 2, 3, Number.NaN]);
  assert.equal(formatCount(s, 5), '3 (+1 NaN) (1 without)');
  assert.equal(formatCount(s, 4), '3 (+1 NaN)');
  assert.equal(formatInterval(s), `[${formatStat(s.ciLow)}, ${formatStat(s.ciHigh)}]`);
  // mean 2, std 1, t(0.975, 2) = 4.302652729911275: 2 ± 4.3027 / sqrt(3).
  assert.equal(formatInterval(s), '[-0.4841, 4.4841]');
  assert.equal(formatInterval(describe([1])), '-');
});

test('defaultMetrics: the test_ metrics sorted, else every metric', () => {
  const run = (metrics: Record<string, number>) => ({
    id: 'r',
    coordinates: { experiment: 'e', sweepPoint: {} },
    metrics,
  });
  assert.deepEqual(defaultMetrics([run({ test_loss: 1, loss: 1 }), run({ test_auc: 1 })]), [
    'test_auc',
    'test_loss',
  ]);
  assert.deepEqual(defaultMetrics([run({ val_loss: 1, loss: 2 })]), ['loss', 'val_loss']);
});
