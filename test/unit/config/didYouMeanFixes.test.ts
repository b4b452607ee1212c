// Every "Did you mean" suggestion of the parser comes with a quick fix (rename a misspelt key, change a misspelt
// value) that, applied to the text, removes that problem and keeps comments and layout, in JSON and YAML.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits, fixEdits } from '../../../src/core/config/applyFix';
import { parseExperiment } from '../../../src/core/config/parse';

/** Files with one typo each: [file name, text, the suggestion, the corrected text]. */
const TYPOS: [string, string, string, string][] = [
  [
    'key.snn.json',
    '{\n  "model": {\n    "activaton": "selu", // typo\n    "depth": 4\n  }\n}\n',
    'activation',
    '{\n  "model": {\n    "activation": "selu", // typo\n    "depth": 4\n  }\n}\n',
  ],
  [
    'key.snn.yaml',
    'model:\n  activaton: selu # typo\n  depth: 4\n',
    'activation',
    'model:\n  activation: selu # typo\n  depth: 4\n',
  ],
  [
    'quoted.snn.yaml',
    "model: { 'activaton': selu, depth: 4 }\n",
    'activation',
    "model: { 'activation': selu, depth: 4 }\n",
  ],
  ['top.snn.json', '{ "modle": { "depth": 4 } }', 'model', '{ "model": { "depth": 4 } }'],
  [
    'value.snn.json',
    '{ "model": { "activation": "rleu" } }',
    'relu',
    '{ "model": { "activation": "relu" } }',
  ],
  ['value.snn.yaml', 'model:\n  init: lecun_norml\n', 'lecun_normal', 'model:\n  init: lecun_normal\n'],
  [
    'sweep.snn.yaml',
    'model:\n  depth: 4\nsweep:\n  model.dept: [4, 8] # grid\n',
    'model.depth',
    'model:\n  depth: 4\nsweep:\n  model.depth: [4, 8] # grid\n',
  ],
  [
    'sweep.snn.json',
    '{ "sweep": { "model.widht": [8, 16] } }',
    'model.width',
    '{ "sweep": { "model.width": [8, 16] } }',
  ],
  [
    'variant.snn.yaml',
    'variants:\n  SNN: {}\n  BN:\n    model:\n      normalisation: batchnorm\n',
    'normalization',
    'variants:\n  SNN: {}\n  BN:\n    model:\n      normalization: batchnorm\n',
  ],
];

for (const [fileName, text, suggestion, corrected] of TYPOS) {
  test(`${fileName}: "Did you mean "${suggestion}"?" is a quick fix that corrects the text`, () => {
    const problems = parseExperiment(text, fileName).problems.filter((p) => /Did you mean/.test(p.message));
    assert.equal(problems.length, 1, JSON.stringify(parseExperiment(text, fileName).problems));
    const [problem] = problems;
    assert.match(problem!.message, new RegExp(`Did you mean "${suggestion.replace('.', '\\.')}"\\?`));
    assert.ok(problem!.fix, `no quick fix for: ${problem!.message}`);
    assert.match(problem!.fix.title, new RegExp(`"${suggestion.replace('.', '\\.')}"`));
    const fixed = applyEdits(text, fixEdits(text, fileName, problem!.fix));
    assert.equal(fixed, corrected);
    const after = parseExperiment(fixed, fileName);
    assert.deepEqual(
      after.problems.filter((p) => p.severity === 'error'),
      [],
      `${fileName} has no errors after "${problem!.fix.title}"`,
    );
  });
}

test('no rename is offered when the suggested key is already there (it would duplicate it)', () => {
  const text = '{ "model": { "activation": "selu", "activaton": "relu" } }';
  const [problem] = parseExperiment(text, 'dup.snn.json').problems.filter(
    (p) => p.code === 'schema-additionalProperties',
  );
  assert.match(problem?.message ?? '', /Did you mean "activation"/);
  assert.equal(problem?.fix, undefined);
});

test('a rename of a key that is not in the text is refused with a clear error', () => {
  const fix = { title: 'Rename to "model"', path: ['nope'], renameTo: 'model' };
  assert.throws(
    () => fixEdits('{ "a": 1 }', 'x.snn.json', fix),
    /cannot apply "Rename to "model"": no key at nope/,
  );
  assert.throws(() => fixEdits('a: 1\n', 'x.snn.yaml', fix), /no key at nope/);
});
