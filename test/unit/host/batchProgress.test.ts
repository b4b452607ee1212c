// One progress notification per batch: runs done / total, the overall fraction as forward-only increments, the
// latest run's detail, and Cancel's targets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asRunId, type RunId } from '../../../src/protocol/ids';
import { BatchProgress, type ProgressReport } from '../../../src/host/views/batchProgress';

const ids = (n: number): RunId[] =>
  Array.from({ length: n }, (_, i) => asRunId(`20261206-100000-sweep-${i}-abcd`));

test('a sweep of 8: one batch counting runs done out of 8, the bar reaching exactly 100 %', () => {
  const batch = new BatchProgress();
  const runs = ids(8);
  runs.forEach((id, i) => batch.add(id, `sweep/model.depth=${4 * (i + 1)}`));
  assert.equal(batch.total, 8);
  const reports: ProgressReport[] = [batch.report()];
  assert.equal(reports[0]?.message, '0/8 runs done');
  for (const id of runs) {
    reports.push(batch.started(id, 100));
    for (const step of [25, 50, 100]) reports.push(batch.progress(id, step, 0, 0.5));
    reports.push(batch.ended(id));
  }
  assert.ok(batch.complete);
  assert.equal(batch.done, 8);
  const sum = reports.reduce((acc, r) => acc + r.increment, 0);
  assert.ok(Math.abs(sum - 100) < 1e-9, `increments add up to 100 %, got ${sum}`);
  assert.ok(reports.every((r) => r.increment >= 0));
  assert.equal(reports.at(-1)?.message, '8/8 runs done');
  const mid = reports[3 + 5 * 2];
  assert.match(
    mid?.message ?? '',
    /^2\/8 runs done · sweep\/model\.depth=12: epoch 1 · step 50\/100 · loss 0\.5000$/,
  );
});

test('runs joining a live batch grow the total; the bar never moves backwards', () => {
  const batch = new BatchProgress();
  const [a, b] = ids(2) as [RunId, RunId];
  batch.add(a, 'a');
  batch.started(a, 10);
  assert.equal(batch.progress(a, 5, 0, 1).increment, 50);
  batch.add(b, 'b');
  const after = batch.report();
  assert.equal(after.increment, 0, 'half of one run is a quarter of two: no negative step');
  assert.equal(after.message, '0/2 runs done · a: epoch 1 · step 5/10 · loss 1.000');
  assert.equal(batch.ended(a).increment, 0, 'still at 50 % of the bar');
  assert.deepEqual(batch.activeIds(), [b], 'Cancel stops only the runs still active');
  assert.equal(batch.ended(b).message, '2/2 runs done');
  assert.ok(batch.complete);
});

test('progress of a run outside the batch or after its end changes nothing', () => {
  const batch = new BatchProgress();
  const [a, stranger] = ids(2) as [RunId, RunId];
  batch.add(a, 'a');
  batch.add(a, 'a again');
  assert.equal(batch.total, 1, 'adding twice counts once');
  assert.deepEqual(batch.progress(stranger, 5, 0, 1), { message: '0/1 run done', increment: 0 });
  batch.ended(a);
  assert.equal(batch.progress(a, 5, 0, 1).message, '1/1 run done');
});

test('a run that joined while queued under its id (no meta yet) is named by its name once it runs', () => {
  const batch = new BatchProgress();
  const [id] = ids(1) as [RunId];
  batch.add(id, id);
  batch.add(id, 'long-moons');
  assert.equal(batch.total, 1, 'renaming does not add a member');
  batch.started(id, 100);
  assert.equal(
    batch.progress(id, 10, 0, 0.25).message,
    '0/1 run done · long-moons: epoch 1 · step 10/100 · loss 0.2500',
  );
});

test('progress is reported at most every 250 ms; the skipped increments arrive with the next report', () => {
  const batch = new BatchProgress();
  const runs = ids(2);
  runs.forEach((id) => {
    batch.add(id, id);
    batch.started(id, 100);
  });
  const reports: ProgressReport[] = [];
  // Two trainers sending a progress message every 10 ms each for one second: 200 messages.
  for (let t = 0; t < 1000; t += 10) {
    for (const id of runs) {
      batch.record(id, Math.round(t / 10) + 1, 0, 0.5);
      const report = batch.throttled(t);
      if (report) reports.push(report);
    }
  }
  assert.equal(reports.length, 4, 'at 0, 250, 500 and 750 ms');
  for (const id of runs) reports.push(batch.ended(id));
  const sum = reports.reduce((acc, r) => acc + r.increment, 0);
  assert.ok(Math.abs(sum - 100) < 1e-9, `increments still add up to 100 %, got ${sum}`);
  assert.equal(reports.at(-1)?.message, '2/2 runs done');
});
