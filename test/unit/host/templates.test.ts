// New Experiment templates: each one parses without errors or warnings and expands to the runs it promises.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandRuns } from '../../../src/core/config/expand';
import { parseExperiment } from '../../../src/core/config/parse';
import { csvColumns, TEMPLATES } from '../../../src/host/templates/templates';

const expectedRuns: Record<string, number> = {
  'snn-vs-relu-mnist': 2,
  'depth-sweep': 8,
  'csv-kfold': 5,
  'init-probe': 6,
};

for (const template of TEMPLATES) {
  test(`template "${template.id}" validates cleanly and expands to ${expectedRuns[template.id]} runs`, () => {
    const text = template.render({ path: 'data/iris.csv', target: 'species', task: 'classification' });
    const { file, problems } = parseExperiment(text, template.fileName);
    assert.deepEqual(
      problems.map((p) => `${p.line}:${p.col} ${p.severity} ${p.message}`),
      [],
      `${template.fileName} has no problems`,
    );
    assert.ok(file);
    assert.equal(expandRuns(file).length, expectedRuns[template.id]);
    assert.match(template.fileName, /\.snn\.json$/);
  });
}

test('the CSV template carries the chosen path, target and task', () => {
  const csv = TEMPLATES.find((t) => t.id === 'csv-kfold');
  assert.ok(csv?.needsCsv);
  const { file } = parseExperiment(
    csv.render({ path: '../data/y.csv', target: 3, task: 'regression' }),
    'x.snn.json',
  );
  assert.ok(file && file.data.source === 'csv');
  assert.deepEqual(
    [file.data.path, file.data.target, file.data.task, file.data.split.stratify],
    ['../data/y.csv', 3, 'regression', false],
  );
});

test('csvColumns reads the quoted header cells of the first line only', () => {
  assert.deepEqual(csvColumns('\uFEFF"sepal length", petal,"a,b"\n1,2,3\n'), [
    'sepal length',
    'petal',
    'a,b',
  ]);
  assert.deepEqual(csvColumns(''), []);
});
