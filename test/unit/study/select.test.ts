// Nested selection (sweep.select): one sweep point per variant/data set/repeat/fold by its validation metric, the
// selected run's test metrics kept; and old runs without study keys still become study runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupRuns, type StudyRun } from '../../../src/core/study/group';
import { selectPoints } from '../../../src/core/study/select';
import { studyRunOf } from '../../../src/runs/studyRuns';
import type { RunData } from '../../../src/runs/runTypes';

function run(variant: string, depth: number, fold: number, val: number, test: number): StudyRun {
  return {
    id: `${variant}-${depth}-${fold}`,
    coordinates: { experiment: 'sel', variant, sweepPoint: { 'model.depth': depth }, fold },
    metrics: { test_auc: test, val_auc: val },
  };
}

test('per fold the point with the best validation metric is chosen and its test metric reported', () => {
  const runs = [
    run('SNN', 2, 0, 0.9, 0.7),
    run('SNN', 8, 0, 0.95, 0.6),
    run('SNN', 2, 1, 0.93, 0.8),
    run('SNN', 8, 1, 0.91, 0.9),
    run('ReLU', 2, 0, Number.NaN, 0.5),
    run('ReLU', 8, 0, Number.NaN, 0.5),
  ];
  const validation = (r: StudyRun) => ({ val_auc: r.metrics.val_auc as number });
  const { runs: chosen, choices } = selectPoints(runs, validation, { metric: 'val_auc', mode: 'max' });
  assert.deepEqual(
    choices.map((c) => [c.unit, c.runId, c.point, c.candidates]),
    [
      ['sel/SNN/fold=0', 'SNN-8-0', { 'model.depth': 8 }, 2],
      ['sel/SNN/fold=1', 'SNN-2-1', { 'model.depth': 2 }, 2],
      ['sel/ReLU/fold=0', undefined, undefined, 2],
    ],
  );
  assert.deepEqual(
    chosen.map((r) => r.metrics.test_auc),
    [0.6, 0.8],
    'the test metric of the point the validation metric chose, not the best test metric',
  );
  const [group] = groupRuns(chosen);
  assert.equal(group?.label, 'sel/SNN');
  const lowest = selectPoints(runs.slice(0, 2), validation, { metric: 'val_auc', mode: 'min' });
  assert.equal(lowest.choices[0]?.runId, 'SNN-2-0');
});

test('a run recorded before studies (no experimentName, repeat or dataset) still becomes a study run', () => {
  const old = {
    meta: {
      schemaVersion: 1,
      runId: '20261101-000000-old-1234',
      name: 'old/SNN/fold=2',
      experiment: '/x/old.snn.json',
      mode: 'train',
      status: 'finished',
      createdAt: '2026-11-01T00:00:00.000Z',
      seed: 1,
      variant: 'SNN',
      sweepPoint: {},
      fold: 2,
      group: 'old/SNN',
    },
    config: {},
    metrics: [],
    layers: [],
    summary: {
      steps: 1,
      epochs: 1,
      durationMs: 1,
      final: { val_loss: 0.5 },
      test: { test_loss: 0.4 },
      stoppedEarly: false,
      samplesPerSec: 1,
    },
  } as unknown as RunData;
  const studyRun = studyRunOf(old);
  assert.deepEqual(studyRun.coordinates, { experiment: 'old', variant: 'SNN', sweepPoint: {}, fold: 2 });
  assert.deepEqual(studyRun.metrics, { val_loss: 0.5, test_loss: 0.4 });
});
