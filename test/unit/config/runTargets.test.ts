// findRunTargets: code-lens anchors (0-based lines), run counts and error counts, also on broken text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findRunTargets } from '../../../src/core/config/runTargets';

test('anchors of a valid YAML file with variants and a sweep', () => {
  const text =
    '# comment\nname: t\nvariants:\n  A: {}\n  B:\n    model: {depth: 2}\nsweep:\n  seed: [1, 2, 3]\n';
  assert.deepEqual(findRunTargets(text, 't.snn.yaml'), {
    top: { line: 1 },
    runCount: 6,
    problems: 0,
    variants: [
      { name: 'A', line: 3 },
      { name: 'B', line: 4 },
    ],
  });
});

test('JSONC with k folds counts fold runs', () => {
  const text =
    '// c\n{\n  "data": {"source": "csv", "path": "x.csv", "split": {"folds": 4}},\n  "variants": {"one": {}}\n}\n';
  const targets = findRunTargets(text, 't.snn.json');
  assert.deepEqual(targets, {
    top: { line: 2 },
    runCount: 4,
    problems: 0,
    variants: [{ name: 'one', line: 3 }],
  });
});

test('invalid files still give anchors, an estimated run count and the error count', () => {
  const text =
    'name: bad\nmodel: {depth: zero, widht: 3}\nvariants:\n  X: {}\nsweep:\n  model.depth: [1, 2]\n';
  assert.deepEqual(findRunTargets(text, 'b.snn.yaml'), {
    top: { line: 0 },
    runCount: 2,
    problems: 2,
    variants: [{ name: 'X', line: 3 }],
  });
});

test('unparseable text does not throw', () => {
  const targets = findRunTargets('{ "variants": { "A": {}, ', 'x.snn.json');
  assert.equal(targets.problems > 0, true);
  assert.deepEqual(targets.variants, [{ name: 'A', line: 0 }]);
  assert.deepEqual(findRunTargets('', 'x.snn.yaml'), {
    top: { line: 0 },
    runCount: 0,
    problems: 1,
    variants: [],
  });
});
