// YAML completion and hover from the experiment schema: the cursor's key path from text alone (also while the
// file is incomplete), keys, enum values, snippets and sweep keys offered, descriptions shown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExperiment } from '../../../src/core/config/parse';
import { schemaErrors } from '../../../src/core/config/schema';
import {
  toYamlLines,
  yamlCompletions,
  yamlHover,
  type AssistItem,
} from '../../../src/core/config/schemaAssist';
import { yamlCursor } from '../../../src/core/config/yamlCursor';
import { parse as parseYaml } from 'yaml';

/** Text with a `|` marking the cursor: returns [text without it, offset]. */
function at(marked: string): [string, number] {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0, 'the text marks the cursor with |');
  return [marked.slice(0, offset) + marked.slice(offset + 1), offset];
}

function complete(marked: string): { labels: string[]; items: AssistItem[]; replace: number } {
  const [text, offset] = at(marked);
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    doc = undefined;
  }
  const result = yamlCompletions(text, offset, doc);
  return { labels: result.items.map((i) => i.label), items: result.items, replace: result.replace };
}

test('the cursor path comes from indentation, also in an incomplete file', () => {
  const [text, offset] = at('name: x\nmodel:\n  depth: 4\n  acti|\ntrain:\n  epochs: 2\n');
  assert.deepEqual(yamlCursor(text, offset), {
    path: ['model'],
    kind: 'key',
    prefix: 'acti',
    column: 2,
    markers: 0,
    siblings: ['depth'],
  });
  const [v, vo] = at('model:\n  dropout:\n    kind: al|\n');
  assert.deepEqual(yamlCursor(v, vo), {
    path: ['model', 'dropout', 'kind'],
    kind: 'value',
    prefix: 'al',
    column: 4,
    markers: 0,
    siblings: [],
  });
  const [c, co] = at('model:\n  depth: 4 # deep |enough\n');
  assert.equal(yamlCursor(c, co), undefined, 'no completion inside a comment');
  const [s, so] = at('executor:\n  sbatchOptions:\n    - --qos=short\n    - |\n');
  assert.deepEqual(yamlCursor(s, so)?.path, ['executor', 'sbatchOptions', '[]']);
  assert.equal(yamlCursor(s, so)?.markers, 2, 'the `- ` marker width, added to inserted children');
  const [r, ro] = at('seed: 1\n|');
  assert.deepEqual(yamlCursor(r, ro)?.path, []);
});

test('keys of the mapping at the cursor, without those already written, with descriptions', () => {
  const { labels, items } = complete('model:\n  depth: 4\n  |\n  width: 32\n');
  assert.ok(
    labels.includes('activation') && labels.includes('init') && labels.includes('dropout'),
    String(labels),
  );
  assert.ok(!labels.includes('depth') && !labels.includes('width'), 'keys already present are not offered');
  const activation = items.find((i) => i.label === 'activation');
  assert.match(activation?.insert ?? '', /^activation: \$\{1\|selu,relu,/, 'an enum key offers its values');
  assert.match(activation?.documentation ?? '', /Values: `selu`/);
  const dropout = items.find((i) => i.label === 'dropout');
  // Relative to the line's indentation, which VS Code adds to each inserted line.
  assert.equal(dropout?.insert, 'dropout:\n  $0', 'an object key opens an indented block');
  const root = complete('name: x\n|').labels;
  for (const key of ['data', 'model', 'train', 'stats', 'variants', 'sweep', 'seed']) {
    assert.ok(root.includes(key), `root offers ${key}`);
  }
  assert.ok(!root.includes('name'));
});

test('values: enum members, booleans and the branch the data source selects', () => {
  assert.deepEqual(complete('model:\n  activation: s|\n').labels.slice(0, 3), ['selu', 'relu', 'elu']);
  const split = complete('data:\n  source: synthetic\n  split:\n    stratify: |\n').labels;
  assert.deepEqual(split, ['true', 'false']);
  const synthetic = complete('data:\n  source: synthetic\n  |\n').labels;
  const csv = complete('data:\n  source: csv\n  |\n').labels;
  assert.ok(synthetic.includes('kind'), 'kind exists for synthetic data');
  assert.ok(csv.includes('path') && !csv.includes('kind'), `csv offers path, not kind: ${csv}`);
});

test('snippets for variants and sweeps, written as YAML that the schema accepts', () => {
  const root = complete('name: x\n|');
  const variants = root.items.find((i) => i.label === 'variants: SNN vs ReLU+BN');
  const sweep = root.items.find((i) => i.label === 'sweep: depth x activation grid');
  assert.ok(variants && sweep, String(root.labels));
  const base = 'name: demo\ndata:\n  source: synthetic\n  kind: moons\n';
  for (const snippet of [variants, sweep]) {
    // The snippet as VS Code inserts it with its placeholders left empty (no placeholders in these two).
    const text = `${base}${snippet.insert.replace(/\\([$}\\])/g, '$1')}\n`;
    const parsed = parseExperiment(text, 'demo.snn.yaml');
    assert.deepEqual(
      parsed.problems.filter((p) => p.severity === 'error').map((p) => p.message),
      [],
      `the ${snippet.label} snippet gives a valid file:\n${text}`,
    );
    assert.deepEqual(schemaErrors(parseYaml(text)), []);
  }
  const inside = complete('variants:\n  |\n');
  assert.ok(inside.labels.includes('SNN vs ReLU+BN'), 'inside variants: the snippet body alone');
  assert.match(
    inside.items.find((i) => i.label === 'SNN vs ReLU+BN')?.insert ?? '',
    /^SNN: \{\}\nReLU\+BN:\n {2}model:/,
  );
});

test('under sweep: dotted keys of every setting, with the setting description and its values', () => {
  const { items, labels } = complete('sweep:\n  model.depth: [4, 8]\n  |\n');
  assert.ok(labels.includes('model.activation') && labels.includes('train.learningRate'));
  assert.ok(!labels.includes('model.depth'), 'a key already swept is not offered again');
  const activation = items.find((i) => i.label === 'model.activation');
  assert.match(activation?.insert ?? '', /^model\.activation: \[\$\{1:selu, relu/);
  assert.match(activation?.documentation ?? '', /activation/i);
  assert.deepEqual(complete('sweep:\n  model.init: |\n').labels.length, 1, 'the whole value list');
});

test('hover shows the schema description of the key under the cursor, with its path', () => {
  const [text, offset] = at('model:\n  dropout:\n    ra|te: 0.05\n');
  const hover = yamlHover(text, offset, parseYaml(text));
  assert.ok(hover);
  assert.match(hover.markdown, /^\*\*model\.dropout\.rate\*\*/);
  assert.ok(hover.markdown.length > 30, hover.markdown);
  assert.equal(text.slice(hover.start, hover.end), 'rate');
  const [sweepText, sweepOffset] = at('sweep:\n  model.de|pth: [4, 8]\n');
  assert.match(yamlHover(sweepText, sweepOffset, undefined)?.markdown ?? '', /\*\*sweep\.model\.depth\*\*/);
  const [value, valueOffset] = at('model:\n  depth: 1|2\n');
  assert.equal(yamlHover(value, valueOffset, undefined), undefined, 'no hover on a value');
  const [unknown, unknownOffset] = at('modle:\n  dep|th: 4\n');
  assert.equal(yamlHover(unknown, unknownOffset, undefined), undefined, 'no hover for unknown keys');
});

test('toYamlLines writes nested objects in block style and scalar lists in flow style', () => {
  assert.deepEqual(toYamlLines({ a: { b: [1, 'x y'], c: 'true', d: {} } }, 2), [
    '  a:',
    '    b: [1, x y]',
    '    c: "true"',
    '    d: {}',
  ]);
});
