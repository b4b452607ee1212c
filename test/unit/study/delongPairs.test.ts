// DeLong's test per matched pair (core/study/delongPairs), shared by `snn-lab study --compare` and the Study tab:
// the pairing reads each run's test scores through a lookup, matches samples by index in the source file (in any
// order), and says why it could not run (no predictions, not binary, different test sets) instead of failing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { comparePairs } from '../../../src/core/study/compare';
import { delongTest } from '../../../src/core/study/delong';
import {
  delongPairs,
  testScores,
  type PredictionRow,
  type TestScoresResult,
} from '../../../src/core/study/delongPairs';
import { groupRuns, type StudyRun } from '../../../src/core/study/group';
import reference from '../../fixtures/study/tests.json';

const run = (id: string, variant: string, repeat: number, auc: number): StudyRun => ({
  id,
  coordinates: { experiment: 'e', variant, sweepPoint: {}, repeat },
  metrics: { test_auc: auc },
});

const [groupA, groupB] = groupRuns([run('a0', 'A', 0, 0.9), run('a1', 'A', 1, 0.8), run('b0', 'B', 0, 0.7)]);
const comparison = comparePairs(groupA!, groupB!, { metric: 'test_auc' });

const rows = (samples: number[], labels: number[], scores: number[], split = 'test'): PredictionRow[] =>
  samples.map((sample, i) => ({ sample, split, label: labels[i]!, scores: [1 - scores[i]!, scores[i]!] }));

test('testScores keeps the test split of a binary task: sample, label and the score of class 1', () => {
  const result = testScores([...rows([4, 2], [1, 0], [0.9, 0.2]), ...rows([7], [1], [0.6], 'validation')]);
  assert.deepEqual(result, { ok: true, scores: { sample: [4, 2], label: [1, 0], score: [0.9, 0.2] } });
  const multi = testScores([{ sample: 0, split: 'test', label: 2, scores: [0.2, 0.3, 0.5] }]);
  assert.deepEqual(multi, { ok: false, note: 'DeLong needs a binary task' });
});

test('delongPairs: one test per matched pair of single runs, equal to delongTest on the shared samples', () => {
  const c = reference.delong[0]!;
  const n = c.positive.length;
  const samples = Array.from({ length: n }, (_, i) => 100 + i);
  const labels = c.positive.map((p) => (p ? 1 : 0));
  const a = testScores(rows(samples, labels, c.scoresA));
  // B lists the same samples in reverse order: matching goes by sample index, not by row.
  const reversed = [...samples.keys()].reverse();
  const b = testScores(
    rows(
      reversed.map((i) => samples[i]!),
      reversed.map((i) => labels[i]!),
      reversed.map((i) => c.scoresB[i]!),
    ),
  );
  const lookup: Record<string, TestScoresResult> = { a0: a, b0: b };
  const pairs = delongPairs(comparison, (id) => lookup[id]);
  // repeat=1 has no B run: unmatched, so only repeat=0 is tested.
  assert.equal(pairs.length, 1);
  assert.equal(pairs[0]?.unit, 'repeat=0');
  assert.deepEqual(
    pairs[0]?.result,
    delongTest({ positive: c.positive, scoresA: c.scoresA, scoresB: c.scoresB }),
  );
});

test('delongPairs says why it did not run: missing predictions, a note of either run, different test sets', () => {
  const good = testScores(rows([1, 2, 3, 4], [1, 0, 1, 0], [0.9, 0.1, 0.6, 0.4]));
  const other = testScores(rows([1, 2, 3, 5], [1, 0, 1, 0], [0.8, 0.2, 0.7, 0.3]));
  const notes = (lookup: Record<string, TestScoresResult | undefined>) =>
    delongPairs(comparison, (id) => lookup[id]).map((p) => p.note);
  assert.deepEqual(notes({ a0: good }), ['no predictions.csv']);
  assert.deepEqual(notes({ a0: good, b0: { ok: false, note: 'DeLong needs a binary task' } }), [
    'DeLong needs a binary task',
  ]);
  assert.deepEqual(notes({ a0: { ok: false, note: 'run.csv:3: malformed row' }, b0: good }), [
    'run.csv:3: malformed row',
  ]);
  assert.deepEqual(notes({ a0: good, b0: other }), ['the test sets differ']);
  const oneClass = testScores(rows([1, 2], [1, 1], [0.9, 0.8]));
  assert.match(notes({ a0: oneClass, b0: oneClass })[0] ?? '', /negative|positive/);
});

test('delongPairs leaves out pairs that pool several runs on a side', () => {
  const [a, b] = groupRuns(
    [run('a0', 'A', 0, 0.9), run('a1', 'A', 1, 0.8), run('b0', 'B', 0, 0.7), run('b1', 'B', 1, 0.6)],
    { by: ['variant'] },
  );
  // Pairing by experiment pools both repeats into one unit per side.
  const c = comparePairs(a!, b!, { metric: 'test_auc', pairBy: ['experiment'] });
  assert.deepEqual(c.pairs[0]?.idsA, ['a0', 'a1']);
  assert.deepEqual(
    delongPairs(c, () => assert.fail('no predictions are read for pooled pairs')),
    [],
  );
});
