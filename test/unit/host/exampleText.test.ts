// "Open Example": every shipped example, adapted for a user's workspace, drops its repository-relative $schema
// line, still parses without problems, names the CSV files it reads, and has a one-line summary for the picker.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { parseExperiment } from '../../../src/core/config/parse';
import { exampleForWorkspace, exampleSummary } from '../../../src/host/exampleText';
import { experimentFiles, repoPath } from '../config/fixtures';

test('each shipped example works outside the repository: no $schema path, no errors, its CSVs listed', () => {
  const examples = experimentFiles('examples');
  assert.ok(examples.length >= 5);
  // Not every example names its schema; those that do (a path into the repository) must lose that line.
  const withSchema = examples.filter((e) => /\$schema/.test(readFileSync(repoPath(e), 'utf8')));
  assert.ok(withSchema.length >= 2, `examples with a $schema line: ${withSchema.join(', ')}`);
  for (const example of examples) {
    const original = readFileSync(repoPath(example), 'utf8');
    const { text, dataFiles } = exampleForWorkspace(original);
    assert.ok(!/\$schema/.test(text), `${example}: no $schema line in the copy`);
    const parsed = parseExperiment(text, example);
    assert.deepEqual(
      parsed.problems.filter((p) => p.severity === 'error').map((p) => p.message),
      [],
      example,
    );
    for (const data of dataFiles) assert.ok(existsSync(join(dirname(repoPath(example)), data)), data);
    assert.ok(exampleSummary(original).length > 20, `${example} starts with a comment describing it`);
  }
  const tabular = exampleForWorkspace(readFileSync(repoPath('examples', 'tabular-kfold.snn.yaml'), 'utf8'));
  assert.deepEqual(tabular.dataFiles, ['data/orchard.csv']);
});

test('paths leaving the folder are never copied along', () => {
  const { dataFiles } = exampleForWorkspace(
    'data:\n  path: ../secret.csv\n# path: data/ok.csv\n"path": "/etc/x.csv"\n  path: ok/fine.csv\n',
  );
  assert.deepEqual(dataFiles, ['ok/fine.csv']);
});
