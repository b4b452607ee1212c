// Tests the grouping, group summaries, paired comparison, curve bands and layer aggregation of src/core/study on
// small hand-made studies whose answers are worked out in the test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { comparePairs } from '../../../src/core/study/compare';
import { meanBand, metricCurve, type MetricLine } from '../../../src/core/study/curves';
import { describe } from '../../../src/core/study/describe';
import {
  defaultGroupBy,
  groupRuns,
  latestPerCoordinates,
  studyKeys,
  summarizeGroups,
  type StudyRun,
} from '../../../src/core/study/group';
import { aggregateLayers, type LayerLine } from '../../../src/core/study/layers';
import { wilcoxonSignedRank } from '../../../src/core/study/wilcoxon';
import type { LayerStats } from '../../../src/protocol/stats';
import { assertRel } from '../theory/assertClose';

/** 2 variants x 2 depths x 3 repeats; accuracy = base + 0.01 * repeat, SNN 0.05 better than ReLU. */
function study(): StudyRun[] {
  const runs: StudyRun[] = [];
  for (const variant of ['SNN', 'ReLU']) {
    for (const depth of [4, 16]) {
      for (let repeat = 0; repeat < 3; repeat++) {
        const acc =
          (variant === 'SNN' ? 0.9 : 0.85) - depth / 1000 + 0.01 * repeat + (repeat === 2 ? 0.003 : 0);
        runs.push({
          id: `${variant}-${depth}-${repeat}`,
          coordinates: { experiment: 'depth', variant, sweepPoint: { 'model.depth': depth }, repeat },
          metrics: { test_accuracy: acc, test_loss: 1 - acc },
        });
      }
    }
  }
  return runs;
}

test('groups are the runs that differ only in repeat/fold; keys and labels read like run names', () => {
  const runs = study();
  assert.deepEqual(studyKeys(runs), ['experiment', 'variant', 'model.depth', 'repeat']);
  assert.deepEqual(defaultGroupBy(runs), ['experiment', 'variant', 'model.depth']);
  const groups = groupRuns(runs);
  assert.deepEqual(
    groups.map((g) => [g.label, g.runs.length]),
    [
      ['depth/SNN/model.depth=4', 3],
      ['depth/SNN/model.depth=16', 3],
      ['depth/ReLU/model.depth=4', 3],
      ['depth/ReLU/model.depth=16', 3],
    ],
  );
  assert.deepEqual(groups[1]?.values, { experiment: 'depth', variant: 'SNN', 'model.depth': 16 });
  const byVariant = groupRuns(runs, { by: ['variant'] });
  assert.deepEqual(
    byVariant.map((g) => [g.label, g.runs.length]),
    [
      ['SNN', 6],
      ['ReLU', 6],
    ],
  );
});

test('a plan run twice counts once: the newest run of identical coordinates is kept', () => {
  const runs = study().slice(0, 2);
  const again: StudyRun = { ...runs[0]!, id: 'rerun', createdAt: '2026-12-06T10:00:00Z' };
  const kept = latestPerCoordinates([{ ...runs[0]!, createdAt: '2026-12-05T10:00:00Z' }, runs[1]!, again]);
  assert.deepEqual(
    kept.map((r) => r.id),
    [runs[1]!.id, 'rerun'],
  );
});

test('group summaries: n, mean, std and interval equal describe() of the group values; missing metrics are not counted', () => {
  const runs = study();
  runs[0] = { ...runs[0]!, metrics: { test_accuracy: Number.NaN } };
  const [first, second] = summarizeGroups(groupRuns(runs));
  assert.equal(first?.runs, 3);
  assert.equal(first?.metrics.test_accuracy?.n, 2);
  assert.equal(first?.metrics.test_accuracy?.excluded, 1);
  assert.equal(first?.metrics.test_loss?.n, 2, 'the run without test_loss is neither n nor excluded');
  const values = runs.slice(3, 6).map((r) => r.metrics.test_accuracy as number);
  assert.deepEqual(second?.metrics.test_accuracy, describe(values));
});

test('paired comparison matches repeats and tests the differences; unmatched units are listed, not paired', () => {
  const runs = study().filter((r) => r.coordinates.sweepPoint['model.depth'] === 4);
  runs.push({
    id: 'extra',
    coordinates: { experiment: 'depth', variant: 'SNN', sweepPoint: { 'model.depth': 4 }, repeat: 3 },
    metrics: { test_accuracy: 0.5 },
  });
  const [snn, relu] = groupRuns(runs);
  const result = comparePairs(snn!, relu!, { metric: 'test_accuracy' });
  assert.deepEqual(result.pairBy, ['repeat']);
  assert.deepEqual(
    result.pairs.map((p) => p.unit),
    ['repeat=0', 'repeat=1', 'repeat=2'],
  );
  assert.deepEqual(result.unmatched, [{ unit: 'repeat=3', reason: 'only in A' }]);
  for (const pair of result.pairs) assertRel(pair.difference, 0.05, 1e-12, pair.unit);
  assert.equal(result.tTest.n, 3);
  assert.equal(result.wilcoxon.p, 0.25, 'three positive differences: exact two-sided p = 2/8');
  assert.equal(result.sign.wins, 3);
  assert.equal(result.sign.p, 0.25);
});

test('pairing by data set averages each data set over its repeats first (the comparison across data sets)', () => {
  const runs: StudyRun[] = [];
  const accuracy = (variant: string, d: number, r: number): number =>
    0.7 + 0.03 * d + (variant === 'SNN' ? 0.01 * ((d % 3) - 0.5) : 0) + 0.001 * r;
  for (const variant of ['SNN', 'ReLU']) {
    for (let d = 0; d < 7; d++) {
      for (let repeat = 0; repeat < 2; repeat++) {
        runs.push({
          id: `${variant}${d}${repeat}`,
          coordinates: { experiment: 'uci', variant, sweepPoint: {}, dataset: `t${d}.csv`, repeat },
          metrics: { test_accuracy: accuracy(variant, d, repeat) },
        });
      }
    }
  }
  const [snn, relu] = groupRuns(runs, { by: ['experiment', 'variant'] });
  const result = comparePairs(snn!, relu!, { metric: 'test_accuracy', pairBy: ['dataset'] });
  assert.equal(result.pairs.length, 7);
  assert.deepEqual(
    result.pairs.map((p) => [p.unit, p.runsA, p.runsB]),
    Array.from({ length: 7 }, (_, d) => [`data=t${d}.csv`, 2, 2]),
  );
  const meanA = Array.from({ length: 7 }, (_, d) => (accuracy('SNN', d, 0) + accuracy('SNN', d, 1)) / 2);
  const meanB = Array.from({ length: 7 }, (_, d) => (accuracy('ReLU', d, 0) + accuracy('ReLU', d, 1)) / 2);
  assert.deepEqual(result.wilcoxon, wilcoxonSignedRank(meanA, meanB));
});

test('curves: exact-x alignment, n per point, mean and sample std', () => {
  const lines = (offset: number): MetricLine[] => [
    { kind: 'progress', step: 0, epoch: 0, loss: 2 + offset },
    { kind: 'epoch', step: 10, epoch: 1, metrics: { val_auc: 0.8 + offset } },
    { kind: 'progress', step: 10, epoch: 1, loss: 1 + offset },
    { kind: 'epoch', step: 20, epoch: 2, metrics: { val_auc: 0.9 + offset } },
  ];
  assert.deepEqual(metricCurve(lines(0), { metric: 'loss', x: 'step', source: 'progress' }), [
    { x: 0, y: 2 },
    { x: 10, y: 1 },
  ]);
  const curves = [0, 0.02, 0.04].map((o) => metricCurve(lines(o), { metric: 'val_auc', x: 'epoch' }));
  curves[2] = curves[2]!.slice(0, 1);
  const band = meanBand(curves);
  assert.deepEqual(
    band.map((p) => [p.x, p.n]),
    [
      [1, 3],
      [2, 2],
    ],
  );
  assertRel(band[0]!.mean, 0.82, 1e-14, 'mean at epoch 1');
  assertRel(band[0]!.std, 0.02, 1e-12, 'std at epoch 1');
  assert.equal(band[1]!.min, 0.9);
  assert.ok(Number.isNaN(meanBand([[{ x: 1, y: 3 }]])[0]!.std), 'one run: no band');
});

function layer(index: number, scale: number): LayerStats {
  const dist = {
    mean: scale,
    variance: 2 * scale,
    min: -scale,
    max: scale,
    percentiles: [1, 2, 3].map((p) => p * scale),
    histogram: { lo: -1, hi: 1, counts: [scale, 2 * scale], under: 0, over: scale },
  };
  return {
    layer: index,
    units: 8,
    pre: dist,
    post: { ...dist, mean: 3 * scale },
    saturated: 0.1 * scale,
    dead: 0,
    weights: { mean: 0, variance: scale, omegaMean: 0, omegaStd: 1, tauMean: scale, tauStd: 0 },
    gradNorm: scale,
    updateRatio: Number.NaN,
  };
}

test('layer aggregation: per step and layer the mean has a run record shape, the std is over runs', () => {
  const run = (scale: number, steps: number[]): LayerLine[] =>
    steps.map((step) => ({ step, epoch: step / 10, layers: [layer(0, scale), layer(1, 10 * scale)] }));
  const lines = aggregateLayers([run(1, [0, 10]), run(3, [0, 10, 20])]);
  assert.deepEqual(
    lines.map((l) => [l.step, l.layers.map((x) => x.n)]),
    [
      [0, [2, 2]],
      [10, [2, 2]],
      [20, [1, 1]],
    ],
  );
  const l0 = lines[0]!.layers[0]!;
  assert.equal(l0.mean.pre.mean, 2);
  assert.equal(l0.mean.post.mean, 6);
  assertRel(l0.std.pre.mean, Math.SQRT2, 1e-15, 'std of 1 and 3');
  assert.deepEqual(l0.mean.pre.percentiles, [2, 4, 6]);
  assert.deepEqual(l0.mean.pre.histogram, { lo: -1, hi: 1, counts: [2, 4], under: 0, over: 2 });
  assert.equal(l0.mean.weights.tauMean, 2);
  assert.equal(lines[0]!.layers[1]!.mean.gradNorm, 20);
  assert.ok(Number.isNaN(l0.mean.updateRatio), 'NaN everywhere stays NaN');
  assert.ok(Number.isNaN(lines[2]!.layers[0]!.std.gradNorm), 'one run: no spread');
});

test('layer aggregation of records without histograms (the dashboard holds them apart): no histogram, same scalars', () => {
  const strip = (l: LayerStats) => {
    const { histogram: _pre, ...pre } = l.pre;
    const { histogram: _post, ...post } = l.post;
    return { ...l, pre, post };
  };
  const run = (scale: number): LayerLine[] => [{ step: 0, epoch: 0, layers: [strip(layer(0, scale))] }];
  const [line] = aggregateLayers([run(1), run(3)]);
  const a = line!.layers[0]!;
  assert.equal(a.mean.pre.histogram, undefined);
  assert.equal(a.mean.pre.mean, 2);
  assertRel(a.std.pre.variance, 2 * Math.SQRT2, 1e-15, 'std of variances 2 and 6');
  // One run with a histogram and one without: the mean histogram is that run's.
  const mixed = aggregateLayers([run(1), [{ step: 0, epoch: 0, layers: [layer(0, 3)] }]]);
  assert.deepEqual(mixed[0]!.layers[0]!.mean.pre.histogram, layer(0, 3).pre.histogram);
});
