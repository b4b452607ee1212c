// Study progress (runs done / total, ETA from the rate so far) and which files get the "Run study" lens.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExperiment } from '../../../src/core/config/parse';
import { findRunTargets, isStudy } from '../../../src/core/config/runTargets';
import { formatDuration, studyProgress } from '../../../src/core/study/progress';

test('ETA is the time per finished run so far times the runs left', () => {
  const start = 1_000_000;
  const p = studyProgress({ total: 36, done: 4, failed: 1, startedMs: start, nowMs: start + 80_000 });
  assert.equal(p.etaMs, (80_000 / 4) * 32);
  assert.equal(p.label, '4/36 runs done · 1 did not finish · ETA 11 min');
  assert.equal(p.percent, (100 * 4) / 36);
  assert.equal(studyProgress({ total: 3, done: 0, failed: 0, startedMs: 0, nowMs: 5 }).etaMs, undefined);
  assert.equal(
    studyProgress({ total: 3, done: 3, failed: 0, startedMs: 0, nowMs: 5 }).label,
    '3/3 runs done',
  );
  assert.deepEqual([formatDuration(40_000), formatDuration(7_500_000)], ['40 s', '2 h 5 min']);
});

test('"Run study" is offered for repeats, folds, data-set lists and sweeps; the count is arithmetic', () => {
  const file = (text: string) => {
    const parsed = parseExperiment(text, 's.snn.yaml').file;
    assert.ok(parsed);
    return parsed;
  };
  assert.equal(isStudy(file('name: a\n')), false);
  assert.equal(isStudy(file('name: a\nrepeats: 3\n')), true);
  assert.equal(isStudy(file('name: a\ndata: {split: {folds: 5}}\n')), true);
  assert.equal(isStudy(file('name: a\ndata: {source: csv, path: [x.csv, y.csv]}\n')), true);
  assert.equal(isStudy(file('name: a\nsweep: {model.depth: [2, 4]}\n')), true);
  const text =
    'name: big\nrepeats: 1000\nsweep: {model.depth: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}\ndata: {split: {folds: 10}}\n';
  assert.equal(findRunTargets(text, 'big.snn.yaml').runCount, 100_000);
});
