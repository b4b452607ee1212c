// Export Run: epoch metrics and layer statistics as CSV, the whole run as JSON (NaN kept as a string).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { exportRun, LAYER_COLUMNS, layersCsv, metricsCsv, runJson, toCsv } from '../../../src/runs/runExport';
import type { RunData } from '../../../src/runs/runTypes';
import type { Distribution } from '../../../src/core/statisticsTypes';
import type { LayerStats } from '../../../src/protocol/stats';
import { asRunId } from '../../../src/protocol/ids';

function dist(mean: number, variance: number): Distribution {
  return {
    mean,
    variance,
    min: mean - 3,
    max: mean + 3,
    percentiles: [0, 0, 0, 0, mean, 0, 0, 0, 0],
    histogram: { lo: -5, hi: 5, counts: [1, 2], under: 0, over: 0 },
  };
}

function layer(index: number, gradNorm: number): LayerStats {
  return {
    layer: index,
    units: 8,
    pre: dist(0.01 * index, 1),
    post: dist(0.02, 0.98),
    saturated: 0.001,
    dead: 0,
    weights: { mean: 0, variance: 0.125, omegaMean: 0.1, omegaStd: 0.2, tauMean: 1, tauStd: 0.1 },
    gradNorm,
    updateRatio: 0.003,
  };
}

const data = {
  meta: { runId: asRunId('r1'), name: 'demo/SNN, "quoted"', status: 'finished' },
  config: { name: 'demo' },
  metrics: [
    { kind: 'progress', step: 1, epoch: 0, loss: 2.3, samplesPerSec: 100, time: 10 },
    { kind: 'epoch', step: 4, epoch: 0, metrics: { loss: 2.1, val_loss: 2.2 }, time: 20 },
    { kind: 'epoch', step: 8, epoch: 1, metrics: { loss: 1.5, accuracy: 0.5 }, time: 30 },
  ],
  layers: [
    { step: 0, epoch: 0, layers: [layer(0, Number.NaN), layer(1, Number.NaN)] },
    { step: 8, epoch: 1, layers: [layer(0, 0.5), layer(1, 0.25)] },
  ],
} as unknown as RunData;

test('metrics CSV has one row per epoch and the union of metric names as columns', () => {
  const rows = parse(metricsCsv(data), { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, 2);
  assert.deepEqual(Object.keys(rows[0] ?? {}), ['step', 'epoch', 'time', 'accuracy', 'loss', 'val_loss']);
  assert.deepEqual(rows[0], {
    step: '4',
    epoch: '0',
    time: '20',
    accuracy: '',
    loss: '2.1',
    val_loss: '2.2',
  });
  assert.equal(rows[1]?.accuracy, '0.5');
});

test('layers CSV has one row per step and layer with the scalar statistics', () => {
  const rows = parse(layersCsv(data), { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, 4);
  assert.deepEqual(Object.keys(rows[0] ?? {}), ['step', 'epoch', 'layer', 'units', ...LAYER_COLUMNS]);
  assert.equal(rows[1]?.layer, '1');
  assert.equal(rows[1]?.pre_mean, '0.01');
  assert.equal(rows[0]?.grad_norm, 'NaN');
  assert.equal(rows[3]?.grad_norm, '0.25');
  assert.equal(rows[3]?.weight_variance, '0.125');
});

test('layers CSV of a run with a norm adds W x + b before it (linear_mean, linear_variance)', () => {
  const normed = {
    ...data,
    layers: data.layers.map((r) => ({ ...r, layers: r.layers.map((l) => ({ ...l, linear: dist(2.5, 7) })) })),
  } as RunData;
  const rows = parse(layersCsv(normed), { columns: true }) as Record<string, string>[];
  assert.deepEqual(Object.keys(rows[0] ?? {}), [
    ...['step', 'epoch', 'layer', 'units', ...LAYER_COLUMNS],
    ...['linear_mean', 'linear_variance'],
  ]);
  assert.deepEqual([rows[2]?.linear_mean, rows[2]?.linear_variance], ['2.5', '7']);
});

test('CSV cells with commas, quotes or line breaks are quoted and round-trip', () => {
  const text = toCsv(
    ['a', 'b'],
    [
      ['x, "y"', 'line\nbreak'],
      [undefined, 3],
    ],
  );
  assert.deepEqual(parse(text), [
    ['a', 'b'],
    ['x, "y"', 'line\nbreak'],
    ['', '3'],
  ]);
});

test('JSON export keeps NaN as the string "NaN" and is valid JSON', () => {
  const parsed = JSON.parse(runJson(data)) as {
    layers: { layers: { gradNorm: unknown }[] }[];
    meta: { name: string };
  };
  assert.equal(parsed.layers[0]?.layers[0]?.gradNorm, 'NaN');
  assert.equal(parsed.layers[1]?.layers[1]?.gradNorm, 0.25);
  assert.equal(parsed.meta.name, 'demo/SNN, "quoted"');
});

test('exportRun names files after the run id and format', () => {
  assert.equal(exportRun(data, 'metrics-csv').fileName, 'r1-metrics.csv');
  assert.equal(exportRun(data, 'layers-csv').fileName, 'r1-layers.csv');
  assert.equal(exportRun(data, 'json').fileName, 'r1.json');
});
