// The study keys of the experiment format: repeats and the seeds rule, splitSeed, data-set lists, arithmetic run
// counts, sweep.select and the problems (line:col) for metrics a run never records, fold columns and selection.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countRuns, expandRuns } from '../../../src/core/config/expand';
import { parseExperiment } from '../../../src/core/config/parse';
import { deriveSeed, runSeed } from '../../../src/core/random';

function parsed(text: string) {
  const result = parseExperiment(text, 'study.snn.yaml');
  assert.ok(result.file, JSON.stringify(result.problems));
  return result.file;
}

function errors(text: string) {
  return parseExperiment(text, 'study.snn.yaml').problems.filter((p) => p.severity === 'error');
}

test('repeats: names get #r<i>, repeat 0 keeps the seed, others derive it; the split seed stays the file seed', () => {
  const plans = expandRuns(
    parsed('name: s\nseed: 7\nrepeats: 3\nvariants: {A: {}, B: {model: {activation: relu}}}\n'),
  );
  assert.deepEqual(
    plans.map((p) => [p.name, p.repeat, p.group]),
    [
      ['s/A#r0', 0, 's/A'],
      ['s/A#r1', 1, 's/A'],
      ['s/A#r2', 2, 's/A'],
      ['s/B#r0', 0, 's/B'],
      ['s/B#r1', 1, 's/B'],
      ['s/B#r2', 2, 's/B'],
    ],
  );
  assert.deepEqual(
    plans.slice(0, 3).map((p) => p.config.seed),
    [7, deriveSeed(7, 'repeat=1'), deriveSeed(7, 'repeat=2')],
  );
  assert.deepEqual(
    plans.map((p) => p.config.seed),
    [...plans.slice(0, 3), ...plans.slice(0, 3)].map((p) => p.config.seed),
    'variants share the seed of each repeat (paired design)',
  );
  assert.ok(plans.every((p) => p.config.data.splitSeed === 7));
});

test('a file without repeats, folds or splitSeed keeps its names and its seed', () => {
  const [plan] = expandRuns(parsed('name: old\nseed: 5\n'));
  assert.equal(plan?.name, 'old');
  assert.equal(plan?.config.seed, 5);
  assert.equal(plan?.repeat, undefined);
  assert.equal(plan?.group, undefined);
});

test('folds derive their own init seed unless train.sameInitAcrossFolds; data.splitSeed is kept apart', () => {
  const folds = expandRuns(parsed('name: f\nseed: 2\ndata: {splitSeed: 99, split: {folds: 3}}\n'));
  assert.deepEqual(
    folds.map((p) => p.config.seed),
    [2, deriveSeed(2, 'fold=1'), deriveSeed(2, 'fold=2')],
  );
  assert.ok(folds.every((p) => p.config.data.splitSeed === 99));
  const same = expandRuns(
    parsed('name: f\nseed: 2\ndata: {split: {folds: 3}}\ntrain: {sameInitAcrossFolds: true}\n'),
  );
  assert.deepEqual(
    same.map((p) => p.config.seed),
    [2, 2, 2],
  );
  assert.equal(runSeed({ seed: 2, repeat: 1, fold: 2 }), deriveSeed(deriveSeed(2, 'repeat=1'), 'fold=2'));
});

test('a CSV path list makes one group per data set; the plan is counted arithmetically', () => {
  const file = parsed(
    'name: uci\nrepeats: 2\ndata: {source: csv, path: [a.csv, b.csv, c.csv], split: {folds: 4}}\nvariants: {SNN: {}, ReLU: {model: {activation: relu}}}\nsweep: {model.depth: [2, 4]}\n',
  );
  const plans = expandRuns(file);
  assert.equal(plans.length, 2 * 2 * 3 * 4 * 2);
  assert.equal(countRuns(file), plans.length);
  const first = plans[0];
  assert.equal(first?.name, 'uci/SNN/model.depth=2/data=a.csv/fold=0#r0');
  assert.equal(first?.dataset, 'a.csv');
  assert.equal(first?.group, 'uci/SNN/model.depth=2/data=a.csv');
  assert.ok(first?.config.data.source === 'csv' && first.config.data.path === 'a.csv');
  assert.equal(new Set(plans.map((p) => p.name)).size, plans.length, 'names are unique');
  assert.equal(
    countRuns({
      variants: {},
      sweep: { 'model.depth': [1, 2, 3] },
      data: parsed('name: x\n').data,
      repeats: 1000,
    }),
    3000,
  );
});

test('sweep.select is taken out of the grid and checked', () => {
  const file = parsed(
    'name: sel\ndata: {split: {test: 0.2}}\nsweep:\n  model.depth: [2, 4]\n  select: {metric: val_auc, mode: max}\n',
  );
  assert.deepEqual(file.select, { metric: 'val_auc', mode: 'max' });
  assert.deepEqual(Object.keys(file.sweep), ['model.depth']);
  assert.equal(expandRuns(file).length, 2);
  const noTest = errors(
    'name: sel\ndata: {split: {test: 0}}\nsweep:\n  model.depth: [2, 4]\n  select: {metric: val_auc}\n',
  );
  assert.match(noTest[0]?.message ?? '', /needs a test part|test part/);
  assert.equal(noTest[0]?.line, 5);
  const noGrid = errors('name: sel\nsweep:\n  select: {metric: val_loss}\n');
  assert.match(noGrid[0]?.message ?? '', /no key to vary/);
});

test('metrics a run never records are errors at the key: val_auc of a regression, an unknown name', () => {
  const text = [
    'name: reg',
    'data: {source: csv, path: t.csv, task: regression}',
    'train:',
    '  earlyStopping: {metric: val_auc, patience: 3}',
    '',
  ].join('\n');
  const [problem] = errors(text);
  assert.match(
    problem?.message ?? '',
    /val_auc is never recorded by a regression run \(it records val_loss, val_mse\)/,
  );
  assert.deepEqual([problem?.line, problem?.col], [4, 27], 'at the value val_auc');
  const unknown = errors('name: x\ntrain:\n  earlyStopping: {metric: val_f1, patience: 3}\n');
  assert.equal(unknown[0]?.line, 3);
  assert.ok(
    parseExperiment('name: x\ntrain: {earlyStopping: {metric: val_auc, patience: 2}}\n', 'a.snn.yaml').file,
  );
});

test('a fold column needs data.split.folds; idx ignores split.test with a warning', () => {
  const [problem] = errors('name: f\ndata: {source: csv, path: t.csv, foldColumn: fold}\n');
  assert.match(problem?.message ?? '', /data.foldColumn needs data.split.folds/);
  const idx = parseExperiment('name: i\ndata: {source: idx, path: ., split: {test: 0.2}}\n', 'i.snn.yaml');
  assert.ok(idx.file);
  assert.ok(idx.problems.some((p) => p.severity === 'warning' && /split.test is ignored/.test(p.message)));
  assert.deepEqual(idx.file.data.source === 'idx' && idx.file.data.train, {
    images: 'train-images-idx3-ubyte.gz',
    labels: 'train-labels-idx1-ubyte.gz',
  });
});
