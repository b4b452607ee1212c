// Quick-fix text edits for experiment files: JSON (jsonc-parser) and YAML (yaml Document), layout preserved.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseYaml } from 'yaml';
import { applyEdits, fixEdits, minimalEdit } from '../../../src/core/config/applyFix';
import { parseExperiment } from '../../../src/core/config/parse';

const initFix = { title: 'Use lecun_normal', path: ['model', 'init'], value: 'lecun_normal' };

test('JSON: replaces only the value and keeps comments and other keys', () => {
  const text =
    '{\n  // SNN\n  "model": {\n    "init": "he_normal", // was relu-style\n    "depth": 8\n  }\n}\n';
  const edits = fixEdits(text, 'a.snn.json', initFix);
  assert.equal(edits.length, 1);
  const out = applyEdits(text, edits);
  assert.equal(out, text.replace('"he_normal"', '"lecun_normal"'));
});

test('JSON: creates a missing nested object with the file indentation (4 spaces)', () => {
  const text = '{\n    "model": {\n        "depth": 8\n    }\n}';
  const fix = { title: 'alpha dropout', path: ['model', 'dropout', 'kind'], value: 'alpha' };
  const out = applyEdits(text, fixEdits(text, 'x.snn.json', fix));
  assert.deepEqual(parseJsonc(out), { model: { depth: 8, dropout: { kind: 'alpha' } } });
  assert.match(out, /\n {8}"dropout": \{\n {12}"kind": "alpha"\n {8}\}/);
});

test('JSON: numbers and arrays are written as JSON values', () => {
  const text = '{ "train": { "learningRate": 1 } }';
  const fix = { title: 'lower lr', path: ['train', 'learningRate'], value: 0.001 };
  assert.deepEqual(parseJsonc(applyEdits(text, fixEdits(text, 'x.snn.json', fix))), {
    train: { learningRate: 0.001 },
  });
});

test('YAML: replaces the scalar in place, keeping the comment on that line', () => {
  const text = '# depth sweep\nmodel:\n  init: he_normal # why not\n  depth: 8\n';
  const edits = fixEdits(text, 'a.snn.yaml', initFix);
  const out = applyEdits(text, edits);
  assert.equal(out, '# depth sweep\nmodel:\n  init: lecun_normal # why not\n  depth: 8\n');
  assert.ok(edits[0] && edits[0].length <= 'he_normal'.length, 'the edit is local to the old value');
});

test('YAML: adds a missing key under an existing mapping (.yml too)', () => {
  const text = 'model:\n  depth: 8\ntrain:\n  epochs: 2\n';
  const fix = { title: 'alpha dropout', path: ['model', 'dropout', 'kind'], value: 'alpha' };
  const out = applyEdits(text, fixEdits(text, 'a.snn.yml', fix));
  assert.deepEqual(parseYaml(out), { model: { depth: 8, dropout: { kind: 'alpha' } }, train: { epochs: 2 } });
});

test('YAML: CRLF files keep CRLF line endings', () => {
  const text = 'model:\r\n  init: he_normal\r\n  depth: 8\r\n';
  const out = applyEdits(text, fixEdits(text, 'a.snn.yaml', initFix));
  assert.equal(out, 'model:\r\n  init: lecun_normal\r\n  depth: 8\r\n');
});

test('YAML: a file that does not parse gives a clear error instead of a broken edit', () => {
  assert.throws(
    () => fixEdits('model: [1, 2\n', 'a.snn.yaml', initFix),
    /cannot apply "Use lecun_normal": the YAML does not parse/,
  );
});

test('YAML: a scalar in the middle of the path is refused', () => {
  assert.throws(() => fixEdits('model: 3\n', 'a.snn.yaml', initFix), /model is not a mapping/);
});

test('an empty path is refused', () => {
  assert.throws(() => fixEdits('{}', 'a.snn.json', { title: 't', path: [], value: 1 }), /empty path/);
});

test('minimalEdit covers only the changed middle', () => {
  assert.deepEqual(minimalEdit('abcXYZdef', 'abc12def'), { offset: 3, length: 3, content: '12' });
  assert.deepEqual(minimalEdit('same', 'same'), { offset: 4, length: 0, content: '' });
});

test('applyEdits applies several edits regardless of their order', () => {
  const edits = [
    { offset: 0, length: 1, content: 'A' },
    { offset: 4, length: 1, content: 'E' },
  ];
  assert.equal(applyEdits('abcde', edits), 'AbcdE');
});

test('array elements (sweep values) are replaced in JSON and YAML', () => {
  const fix = { title: 'Use lecun_normal', path: ['sweep', 'model.init', 1], value: 'lecun_normal' };
  const json = '{ "sweep": { "model.init": ["lecun_normal", "he_normal"] } }';
  assert.equal(
    applyEdits(json, fixEdits(json, 'a.snn.json', fix)),
    json.replace('"he_normal"', '"lecun_normal"'),
  );
  const yaml = 'sweep:\n  model.init: [lecun_normal, he_normal]\n';
  assert.equal(
    applyEdits(yaml, fixEdits(yaml, 'a.snn.yaml', fix)),
    'sweep:\n  model.init: [lecun_normal, lecun_normal]\n',
  );
});

// End to end with the real parser: every quick fix it offers removes its own warning once applied.
const pitfallFiles: [string, string][] = [
  ['base.snn.json', '{\n  "model": { "depth": 4, "width": 8, "init": "he_normal" } // base\n}\n'],
  [
    'variant.snn.yaml',
    'model:\n  depth: 4\nvariants:\n  SNN: {}\n  BN:\n    model:\n      normalization: batchnorm # pitfall\n',
  ],
  ['dropout.snn.json', '{ "model": { "dropout": { "kind": "standard", "rate": 0.1 } } }'],
  ['sweep.snn.yaml', 'model:\n  depth: 4\nsweep:\n  model.init: [lecun_normal, glorot_uniform]\n'],
];
for (const [fileName, text] of pitfallFiles) {
  test(`applying the parser's quick fix in ${fileName} clears that warning`, () => {
    const fixable = parseExperiment(text, fileName).problems.filter((p) => p.fix);
    assert.ok(fixable.length > 0, `${fileName} has a fixable pitfall`);
    for (const problem of fixable) {
      const fixed = applyEdits(text, fixEdits(text, fileName, problem.fix!));
      const after = parseExperiment(fixed, fileName);
      assert.ok(after.file, `${fileName} still parses after "${problem.fix!.title}"`);
      assert.ok(
        !after.problems.some((p) => p.code === problem.code),
        `${problem.code} is gone after the fix`,
      );
    }
  });
}

test('YAML: a quoted scalar keeps its quote style; odd strings are double-quoted', () => {
  const single = "model:\n  init: 'he_normal'\n";
  assert.equal(
    applyEdits(single, fixEdits(single, 'a.snn.yaml', initFix)),
    "model:\n  init: 'lecun_normal'\n",
  );
  const fix = { title: 'odd', path: ['name'], value: 'a, b: c' };
  const text = 'name: x # n\n';
  const out = applyEdits(text, fixEdits(text, 'a.snn.yml', fix));
  assert.equal(out, 'name: "a, b: c" # n\n');
  assert.deepEqual(parseYaml(out), { name: 'a, b: c' });
  const numeric = 'train:\n  learningRate: 1\n';
  const lr = { title: 'lr', path: ['train', 'learningRate'], value: 0.001 };
  assert.equal(applyEdits(numeric, fixEdits(numeric, 'a.snn.yaml', lr)), 'train:\n  learningRate: 0.001\n');
});
