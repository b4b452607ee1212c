// End to end without training: every example loads, expands and yields its data set through loadDataset.
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { formatProblem, loadExperiment } from '../../../src/node/loadExperiment';
import { loadDataset } from '../../../src/node/data/loadDataset';
import { experimentFiles, repoPath } from '../config/fixtures';

// The bundled trainer finds the MNIST digits beside itself (dist/mnist); this test bundle lives in out/test.
process.env.SNN_LAB_MNIST_DIR = repoPath('dist', 'mnist');

test('each example loads without errors and its first run gets a data set', async () => {
  const examples = experimentFiles('examples');
  assert.ok(examples.length >= 5);
  for (const example of examples) {
    const loaded = await loadExperiment(repoPath(example));
    const errors = loaded.problems.filter((p) => p.severity === 'error');
    assert.deepEqual(
      errors.map((p) => formatProblem(example, p)),
      [],
    );
    const plan = loaded.plans[0];
    assert.ok(plan, example);
    const data = await loadDataset(plan.config.data, {
      baseDir: dirname(loaded.path),
      workspaceRoot: repoPath(),
      seed: plan.config.seed,
      fold: plan.fold,
    });
    assert.ok(
      data.train.n > data.validation.n && data.validation.n > 0,
      `${example}: ${data.notes.join('; ')}`,
    );
    assert.equal(data.train.x.length, data.train.n * data.features);
  }
});

test('the CSV k-fold example: 290 orchard rows, 3 varieties, 5 folds x 2 repeats covering the non-test rows', async () => {
  const loaded = await loadExperiment(repoPath('examples', 'tabular-kfold.snn.yaml'));
  assert.equal(loaded.plans.length, 20);
  const snn = loaded.plans.filter((p) => p.variant === 'SNN' && p.repeat === 0);
  assert.deepEqual(
    snn.map((p) => [p.name, p.group, p.fold]),
    [0, 1, 2, 3, 4].map((k) => [`orchard-kfold/SNN/fold=${k}#r0`, 'orchard-kfold/SNN', k]),
  );
  let validationRows = 0;
  for (const plan of snn) {
    const data = await loadDataset(plan.config.data, {
      baseDir: dirname(loaded.path),
      workspaceRoot: repoPath(),
      seed: plan.config.seed,
      fold: plan.fold,
    });
    assert.deepEqual(data.classNames, ['fuji', 'gala', 'granny_smith']);
    assert.deepEqual(data.classCounts, [95, 110, 85]);
    assert.equal(data.features, 6);
    assert.equal(data.test.n, 58);
    assert.equal(data.train.n + data.validation.n, 232);
    validationRows += data.validation.n;
  }
  assert.equal(validationRows, 232);
});

test('formatProblem renders compiler-style lines', () => {
  const line = formatProblem('a.snn.yaml', {
    severity: 'warning',
    message: 'm',
    line: 3,
    col: 7,
    endLine: 3,
    endCol: 9,
    offset: 20,
    length: 2,
  });
  assert.equal(line, 'a.snn.yaml:3:7: warning: m');
});
