// Short run labels: name parsing, only the parts that differ, and never the same text for two different runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandRuns } from '../../../src/core/config/expand';
import { withDefaults } from '../../../src/core/config/defaults';
import type { ExperimentFile } from '../../../src/core/config/experimentConfig';
import {
  experimentOf,
  labelsByExperiment,
  nameTokens,
  nameValue,
  shortLabels,
  varyingKeys,
} from '../../../src/core/runNames';

const run = (name: string, i = 0, createdAt?: string) => ({
  runId: `id-${i}`,
  name,
  ...(createdAt ? { createdAt } : {}),
});

test('nameTokens splits experiment, variant, sweep pairs (values may hold commas), fold, repeat and clash', () => {
  assert.deepEqual(nameTokens('mnist/SNN/model.depth=16,data.path=a,b.csv/fold=2'), [
    { key: 'experiment', value: 'mnist' },
    { key: 'variant', value: 'SNN' },
    { key: 'model.depth', value: '16' },
    { key: 'data.path', value: 'a,b.csv' },
    { key: 'fold', value: '2' },
  ]);
  assert.deepEqual(nameTokens('x/model.depth=4~2#r3').slice(1), [
    { key: 'model.depth', value: '4' },
    { key: 'repeat', value: '3' },
    { key: 'copy', value: '2' },
  ]);
});

test('the depth sweep: labels name depth and activation only, and differ for every pair', () => {
  const names = [4, 8, 16, 32].flatMap((d) =>
    ['selu', 'relu'].map((a) => `depth-sweep/model.depth=${d},model.activation=${a}`),
  );
  const labels = shortLabels(names.map((n, i) => run(n, i)));
  assert.equal(labels[6], 'depth=32 · selu');
  assert.equal(labels[7], 'depth=32 · relu');
  assert.equal(new Set(labels).size, names.length);
  assert.deepEqual(
    varyingKeys(names.slice(0, 2).map((n) => run(n))),
    ['model.activation'],
    'two runs of one depth differ by activation only',
  );
  assert.deepEqual(shortLabels(names.slice(0, 2).map((n, i) => run(n, i))), ['selu', 'relu']);
});

test('every expanded plan of a sweep x variants x folds file gets a distinct label', () => {
  const file = withDefaults({
    name: 'grid',
    data: { source: 'synthetic', kind: 'moons', split: { folds: 3 } },
    variants: { SNN: { model: { activation: 'selu' } }, ReLU: { model: { activation: 'relu' } } },
    sweep: { 'model.depth': [4, 8], 'train.learningRate': [0.1, 0.01] },
  }) as ExperimentFile;
  const plans = expandRuns(file);
  assert.equal(plans.length, 2 * 4 * 3);
  const labels = shortLabels(plans.map((p, i) => run(p.name, i)));
  assert.equal(new Set(labels).size, plans.length, labels.join(' | '));
  assert.equal(labels[0], 'SNN · depth=4 · learningRate=0.1 · fold 0');
});

test('words alone, numbers and booleans with their key, an absent key as "no <key>"', () => {
  assert.deepEqual(shortLabels([run('e/opt=adam,norm=true', 0), run('e/opt=sgd,norm=false', 1)]), [
    'adam · norm=true',
    'sgd · norm=false',
  ]);
  // Different keys with the same word stay apart by position.
  assert.deepEqual(shortLabels([run('e/a=relu', 0), run('e/b=relu', 1)]), ['relu · no b', 'no a · relu']);
  assert.deepEqual(shortLabels([run('e/a=x,b=y', 0), run('e/a=y,b=x', 1)]), ['x · y', 'y · x']);
});

test('re-runs of one plan get their creation time, then the run id', () => {
  const a = run('moons', 0, '2026-01-02T10:00:00Z');
  const b = run('moons', 1, '2026-01-02T10:05:00Z');
  const labels = shortLabels([a, b]);
  assert.notEqual(labels[0], labels[1]);
  assert.match(labels[0] ?? '', /^moons · 2026-01-02 \d\d:00:00$/);
  const same = shortLabels([run('moons', 0), run('moons', 1)]);
  assert.deepEqual(same, ['moons · id-0', 'moons · id-1']);
});

test('one run: every part of its name but the experiment; labels by experiment in the sidebar', () => {
  assert.deepEqual(shortLabels([run('depth-sweep/model.depth=4,model.activation=selu')]), ['depth=4 · selu']);
  assert.deepEqual(shortLabels([run('moons-quick')]), ['moons-quick']);
  const labels = labelsByExperiment([
    run('a/model.depth=4', 0),
    run('a/model.depth=8', 1),
    run('b/SNN', 2),
    run('b/ReLU', 3),
  ]);
  assert.deepEqual([...labels.values()], ['depth=4', 'depth=8', 'SNN', 'ReLU']);
});

test("experimentOf is nameValue(name, 'experiment') without parsing the rest", () => {
  const names = [
    'depth-sweep/model.depth=32,model.activation=relu',
    'moons',
    'e/variant~2/fold=1#r3',
    '/leading-slash',
    'a/b/c',
    '',
    'x=1,y=2',
  ];
  for (const name of names) assert.equal(experimentOf(name), nameValue(name, 'experiment'), name);
});
