// Table-driven tests of parseExperiment on malformed files: the exact message and line:col of every problem.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExperiment } from '../../../src/core/config/parse';
import { readRepoFile } from './fixtures';

/** Each invalid fixture and the problems it must produce, as "line:col severity message", in order. */
const CASES: Record<string, string[]> = {
  'unknown-keys.snn.json': [
    '3:3 error Unknown property "modle" at the top level. Did you mean "model"?',
    '4:14 error Unknown property "actvation" in model. Did you mean "activation"?',
    '5:14 error Unknown property "learning_rate" in train. Did you mean "learningRate"?',
  ],
  'bad-enums.snn.yaml': [
    '3:15 error model.activation must be one of selu, relu, elu, tanh, gelu, swish, leaky_relu, linear, got "sleu". Did you mean "selu"?',
    '4:9 error model.init must be one of lecun_normal, lecun_uniform, he_normal, glorot_uniform, tfjs_lecun_normal, got "lecun"',
    '6:14 error train.optimizer must be one of sgd, momentum, adam, rmsprop, got "adamw". Did you mean "adam"?',
  ],
  'wrong-types.snn.json': [
    '3:23 error model.depth must be an integer, got "8"',
    '3:37 error model.width must be >= 1, got 0',
    '3:61 error model.dropout.rate must be < 1, got 1.5',
    '4:24 error train.epochs must be >= 1, got 0',
    '4:43 error train.learningRate must be > 0, got -1',
    '4:60 error train.batchSize must be an integer, got 2.5',
    '5:24 error stats.layers must be "all" or an array, got "some"',
    '6:11 error seed must be >= 0, got -3',
  ],
  'csv-missing-path.snn.yaml': [
    '1:1 error data is missing required property "path" when source is "csv"',
    '4:13 error data.features must be an array when source is "csv", got 3',
  ],
  'syntax.snn.json': ['3:3 error Comma expected', '4:24 error Value expected'],
  'syntax.snn.yaml': [
    '3:10 error Nested mappings are not allowed in compact mappings',
    '3:10 error Implicit keys need to be on a single line',
    '6:1 error Flow sequence in block collection must be sufficiently indented and end with a ]',
  ],
  'sweep-keys.snn.yaml': [
    '2:3 error Unknown sweep key "model.dpth": use a dotted setting such as "model.depth". Did you mean "model.depth"?',
    '3:21 error sweep["model.activation"] must have at least 1 item',
    '4:17 error sweep["train.epochs"] must be an array, got 3',
  ],
  'sweep-values.snn.yaml': [
    '3:20 error In sweep model.depth=0: model.depth must be >= 1, got 0',
    '4:28 error In sweep model.activation=sigmoid: model.activation must be one of selu, relu, elu, tanh, gelu, swish, leaky_relu, linear, got "sigmoid"',
  ],
  'variants.snn.json': [
    '4:5 error Name "a/b" in variants must not contain "/", ",", "=" or control characters',
    '5:26 error Unknown property "activaton" in variants.ReLU.model. Did you mean "activation"?',
    '5:49 error Unknown property "executor" in variants.ReLU.',
  ],
  'variant-csv.snn.yaml': [
    '5:5 error variants.table.data is missing required property "path" when source is "csv"',
  ],
  'split-sum.snn.yaml': [
    '2:3 error data.split.test + data.split.validation must be below 1 (got 0.6 + 0.5): nothing is left to train on',
  ],
  'not-object.snn.json': [
    '1:1 error An experiment file must be a JSON object with sections such as data, model and train',
  ],
  'duplicate-key.snn.json': ['3:3 error Duplicate key "name"'],
  'null-values.snn.yaml': [
    '2:3 error model.depth must be an integer, got null',
    '5:3 error variants.SNN must be an object, got null',
  ],
  'executor.snn.yaml': [
    '3:14 error executor.timeLimit must be a Slurm time such as "30", "1:00:00" or "2-00:00:00", got "one hour"',
    '4:11 error executor.memory must be a Slurm memory size such as "4G" or "500M", got "4 GB"',
    '5:16 error executor.cpusPerTask must be >= 1, got 0',
  ],
};

for (const [name, expected] of Object.entries(CASES)) {
  test(`invalid fixture ${name}: exact problems and positions`, () => {
    const result = parseExperiment(readRepoFile('test', 'fixtures', 'configs', 'invalid', name), name);
    const actual = result.problems.map((p) => `${p.line}:${p.col} ${p.severity} ${p.message}`);
    assert.deepEqual(actual, expected);
    assert.equal(result.file, undefined, 'no file when there are errors');
  });
}

test('a problem range covers exactly the offending token', () => {
  const text = '{\n  "model": { "depth": "eight" }\n}\n';
  const [problem] = parseExperiment(text, 'x.snn.json').problems;
  assert.ok(problem);
  assert.equal(text.slice(problem.offset, problem.offset + problem.length), '"eight"');
  assert.deepEqual([problem.line, problem.col, problem.endLine, problem.endCol], [2, 23, 2, 30]);
});

test('unknown key range covers the key only, in YAML too', () => {
  const text = 'model:\n  widht: 8\n';
  const [problem] = parseExperiment(text, 'x.snn.yml').problems;
  assert.ok(problem);
  assert.equal(text.slice(problem.offset, problem.offset + problem.length), 'widht');
  assert.equal(problem.message, 'Unknown property "widht" in model. Did you mean "width"?');
});

test('pitfall warnings carry quick-fix data pointing at the value to change', () => {
  const text = readRepoFile('test', 'fixtures', 'configs', 'valid', 'pitfalls.snn.yaml');
  const result = parseExperiment(text, 'pitfalls.snn.yaml');
  assert.ok(result.file, 'warnings alone do not block the file');
  const fixes = result.problems.map((p) => [
    p.severity,
    p.code,
    `${p.line}:${p.col}`,
    p.fix?.path.join('.'),
    p.fix?.value,
  ]);
  assert.deepEqual(fixes, [
    ['warning', 'selu-unstandardized', '3:16', 'data.standardize', true],
    ['warning', 'selu-init', '6:9', 'model.init', 'lecun_normal'],
    ['warning', 'selu-batchnorm', '7:18', 'model.normalization', 'none'],
    ['warning', 'selu-standard-dropout', '9:11', 'model.dropout.kind', 'alpha'],
    ['warning', 'selu-init', '15:13', 'variants.high-rate.model.init', 'lecun_normal'],
    ['warning', 'alpha-dropout-rate', '16:37', 'variants.high-rate.model.dropout.rate', 0.1],
  ]);
  const titles = result.problems.map((p) => p.fix?.title);
  assert.deepEqual(titles, [
    'Standardize inputs',
    'Use lecun_normal',
    'Use normalization "none"',
    'Use alpha dropout',
    'Use lecun_normal',
    'Use rate 0.1',
  ]);
});

test('a pitfall caused by a sweep value points at that value and fixes it there', () => {
  const text = readRepoFile('test', 'fixtures', 'configs', 'valid', 'sweep-pitfall.snn.yaml');
  const [problem, ...rest] = parseExperiment(text, 'sweep-pitfall.snn.yaml').problems;
  assert.equal(rest.length, 0);
  assert.equal(problem?.code, 'selu-init');
  assert.equal(`${problem?.line}:${problem?.col}`, '3:30');
  assert.deepEqual(problem?.fix, {
    title: 'Use lecun_normal',
    path: ['sweep', 'model.init', 1],
    value: 'lecun_normal',
  });
});

test('defaults are applied and the name defaults to the file name', () => {
  const { file, problems } = parseExperiment('{}', 'dir/my-test.snn.json');
  assert.deepEqual(problems, []);
  assert.ok(file);
  assert.equal(file.name, 'my-test');
  assert.equal(file.seed, 1);
  assert.deepEqual(file.model.dropout, { kind: 'alpha', rate: 0 });
  assert.equal(file.model.activation, 'selu');
  assert.equal(file.model.selu, undefined, 'optional sections stay omitted');
  assert.deepEqual(file.data, {
    source: 'synthetic',
    split: { test: 0.2, validation: 0.1, folds: 0, stratify: true },
    standardize: true,
    samples: 1000,
    kind: 'moons',
    features: 2,
    classes: 2,
    noise: 0.1,
  });
  assert.deepEqual(file.executor, { kind: 'local' });
});

test('source-specific defaults: mnist uses 2,000 samples, csv gets an empty feature list', () => {
  const mnist = parseExperiment('data: {source: mnist}', 'm.snn.yaml').file;
  assert.equal(mnist?.data.source === 'mnist' && mnist.data.samples, 2000);
  const csv = parseExperiment('data: {source: csv, path: a.csv}', 'c.snn.yaml').file;
  assert.deepEqual(csv?.data.source === 'csv' && [csv.data.features, csv.data.target, csv.data.header], [
    [],
    -1,
    true,
  ]);
});

test('slurm executor gets its documented defaults; partition stays unset', () => {
  const file = parseExperiment('executor: {kind: slurm}', 's.snn.yaml').file;
  assert.deepEqual(file?.executor, {
    kind: 'slurm',
    timeLimit: '01:00:00',
    cpusPerTask: 1,
    memory: '4G',
    parallel: 2,
    sbatchOptions: [],
  });
});

test('warnings for keys the data source ignores and Slurm keys on a local executor', () => {
  const text = 'data:\n  source: mnist\n  kind: moons\nexecutor:\n  partition: gpu\n';
  const problems = parseExperiment(text, 'w.snn.yaml').problems.map(
    (p) => `${p.line}:${p.col} ${p.severity} ${p.message}`,
  );
  assert.deepEqual(problems, [
    '3:3 warning data.kind is not used when data.source is "mnist"',
    '5:3 warning executor.partition is only used when executor.kind is "slurm"',
  ]);
});

test('YAML anchors and merge keys resolve', () => {
  const { file, problems } = parseExperiment(
    readRepoFile('test', 'fixtures', 'configs', 'valid', 'anchors.snn.yaml'),
    'anchors.snn.yaml',
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(file?.variants, {
    copy: { model: { depth: 3, width: 16 } },
    wide: { model: { depth: 3, width: 64 } },
  });
});

test('empty files are an error, not a crash', () => {
  for (const name of ['e.snn.json', 'e.snn.yaml']) {
    const { problems } = parseExperiment('', name);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.severity, 'error');
    assert.match(problems[0]?.message ?? '', /empty/);
  }
});

test('a base problem found while checking every variant and sweep value is reported once, without context', () => {
  const text =
    'data:\n  split: {test: 0.5, validation: 0.5}\nvariants: {A: {}, B: {}}\nsweep:\n  model.depth: [1, 2]\n';
  const problems = parseExperiment(text, 'once.snn.yaml').problems.map(
    (p) => `${p.line}:${p.col} ${p.message}`,
  );
  assert.deepEqual(problems, [
    '2:3 data.split.test + data.split.validation must be below 1 (got 0.5 + 0.5): nothing is left to train on',
  ]);
});

test('a problem that only a variant causes names the variant', () => {
  const text = 'variants:\n  A: {}\n  B:\n    data: {split: {test: 0.9}}\n';
  const problems = parseExperiment(text, 'v.snn.yaml').problems.map((p) => `${p.line}:${p.col} ${p.message}`);
  assert.deepEqual(problems, [
    '4:12 In variant "B": data.split.test + data.split.validation must be below 1 (got 0.9 + 0.1): nothing is left to train on',
  ]);
});
