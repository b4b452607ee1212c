// expandRuns: variants x sweep grid x k folds become named, concrete RunPlans.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countRuns, expandRuns } from '../../../src/core/config/expand';
import { parseExperiment } from '../../../src/core/config/parse';

function plansOf(text: string, name = 'e.snn.yaml') {
  const { file, problems } = parseExperiment(text, name);
  assert.ok(file, JSON.stringify(problems));
  return expandRuns(file);
}

test('a sweep of 3 depths x 2 activations expands to 6 named runs with the right values', () => {
  const plans = plansOf(
    'name: grid\nmodel: {width: 16}\nsweep:\n  model.depth: [8, 16, 32]\n  model.activation: [selu, relu]\n',
  );
  assert.deepEqual(
    plans.map((p) => [p.name, p.config.model.depth, p.config.model.activation, p.config.model.width]),
    [
      ['grid/model.depth=8,model.activation=selu', 8, 'selu', 16],
      ['grid/model.depth=8,model.activation=relu', 8, 'relu', 16],
      ['grid/model.depth=16,model.activation=selu', 16, 'selu', 16],
      ['grid/model.depth=16,model.activation=relu', 16, 'relu', 16],
      ['grid/model.depth=32,model.activation=selu', 32, 'selu', 16],
      ['grid/model.depth=32,model.activation=relu', 32, 'relu', 16],
    ],
  );
  assert.deepEqual(plans[3]?.sweepPoint, { 'model.depth': 16, 'model.activation': 'relu' });
  assert.ok(plans.every((p) => p.config.name === p.name && p.variant === undefined && p.fold === undefined));
});

test('variants override the base; nested objects merge key by key', () => {
  const plans = plansOf(`
name: cmp
model: {depth: 4, dropout: {kind: alpha, rate: 0.05}}
variants:
  SNN: {}
  ReLU+BN: {model: {activation: relu, init: he_normal, normalization: batchnorm, dropout: {rate: 0}}}
`);
  assert.deepEqual(
    plans.map((p) => [p.name, p.variant, p.config.model.activation, p.config.model.normalization]),
    [
      ['cmp/SNN', 'SNN', 'selu', 'none'],
      ['cmp/ReLU+BN', 'ReLU+BN', 'relu', 'batchnorm'],
    ],
  );
  assert.deepEqual(plans[1]?.config.model.dropout, { kind: 'alpha', rate: 0 });
  assert.equal(plans[1]?.config.model.depth, 4);
});

test('k folds: one plan per fold, sharing a group per variant', () => {
  const plans = plansOf(`
name: cv
data: {source: csv, path: t.csv, target: y, split: {folds: 3}}
variants: {A: {}, B: {model: {depth: 2}}}
`);
  assert.deepEqual(
    plans.map((p) => [p.name, p.group, p.fold]),
    [
      ['cv/A/fold=0', 'cv/A', 0],
      ['cv/A/fold=1', 'cv/A', 1],
      ['cv/A/fold=2', 'cv/A', 2],
      ['cv/B/fold=0', 'cv/B', 0],
      ['cv/B/fold=1', 'cv/B', 1],
      ['cv/B/fold=2', 'cv/B', 2],
    ],
  );
  assert.ok(plans.every((p) => p.config.name === p.name));
});

test('object sweep values render as JSON and clash-free names get a suffix', () => {
  const plans = plansOf(
    'name: o\nsweep:\n  model.dropout: [{kind: alpha, rate: 0.1}, {rate: 0.1, kind: alpha}]\n',
  );
  assert.deepEqual(
    plans.map((p) => p.name),
    ['o/model.dropout={"kind":"alpha","rate":0.1}', 'o/model.dropout={"rate":0.1,"kind":"alpha"}'],
  );
  const same = plansOf('name: s\nsweep:\n  model.depth: [2, 2]\n');
  assert.deepEqual(
    same.map((p) => p.name),
    ['s/model.depth=2', 's/model.depth=2~2'],
  );
});

test('a variant switching data source drops the base source keys and gets the new defaults', () => {
  const plans = plansOf(`
name: src
data: {source: synthetic, kind: xor, noise: 0.3, split: {test: 0.3}}
variants:
  synth: {}
  digits: {data: {source: mnist}}
`);
  assert.deepEqual(plans[1]?.config.data, {
    source: 'mnist',
    split: { test: 0.3, validation: 0.1, folds: 0, stratify: true },
    standardize: true,
    samples: 2000,
    splitSeed: 1,
  });
});

test('expansion is stable: the same text gives the same plans', () => {
  const text = 'name: st\nvariants: {a: {}, b: {seed: 2}}\nsweep: {train.learningRate: [0.1, 0.01]}\n';
  assert.deepEqual(plansOf(text), plansOf(text));
  assert.deepEqual(
    plansOf(text).map((p) => [p.name, p.config.seed, p.config.train.learningRate]),
    [
      ['st/a/train.learningRate=0.1', 1, 0.1],
      ['st/a/train.learningRate=0.01', 1, 0.01],
      ['st/b/train.learningRate=0.1', 2, 0.1],
      ['st/b/train.learningRate=0.01', 2, 0.01],
    ],
  );
});

test('model.fixedPoint is solved into model.selu with the theory core', () => {
  const [unit] = plansOf('model: {fixedPoint: {mean: 0, variance: 1}}');
  // Tolerance 1e-9: the Newton solve reaches ~1e-15; the margin keeps the test independent of solver details.
  assert.ok(Math.abs((unit?.config.model.selu?.alpha ?? 0) - 1.6732632423543772) < 1e-9);
  assert.ok(Math.abs((unit?.config.model.selu?.lambda ?? 0) - 1.0507009873554805) < 1e-9);
  const [explicit] = plansOf('model: {selu: {alpha: 2, lambda: 1}, fixedPoint: {mean: 0, variance: 1}}');
  assert.deepEqual(explicit?.config.model.selu, { alpha: 2, lambda: 1 }, 'explicit selu wins');
  const { problems } = parseExperiment('model:\n  fixedPoint: {mean: 5, variance: 0.001}\n', 'f.snn.yaml');
  assert.equal(problems.length, 1);
  assert.equal(`${problems[0]?.line}:${problems[0]?.col}`, '2:15');
  assert.match(problems[0]?.message ?? '', /^model\.fixedPoint: no SELU parameters/);
});

test('countRuns (arithmetic) equals the number of expanded runs, also when variants or the sweep set the folds', () => {
  const files = [
    'name: a\nsweep:\n  model.depth: [2, 4, 8]\n',
    'name: b\ndata: {source: synthetic, kind: moons, split: {folds: 3}}\nvariants:\n  A: {}\n  B: {data: {split: {folds: 5}}}\n',
    'name: c\ndata: {source: synthetic, kind: moons}\nsweep:\n  data.split.folds: [0, 2, 4]\n  model.depth: [2, 3]\nvariants:\n  A: {}\n  B: {model: {width: 8}}\n',
    'name: d\nvariants:\n  A: {data: {split: {folds: 2}}}\n  B: {}\n',
  ];
  for (const text of files) {
    const { file, problems } = parseExperiment(text, 'e.snn.yaml');
    assert.ok(file, JSON.stringify(problems));
    assert.equal(countRuns(file), expandRuns(file).length, text);
  }
});
