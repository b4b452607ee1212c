// The CLI's result tables: metric choice (test, then validation, then training), cell formatting, alignment.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bestMetric, cell, comparisonTable, formatTable } from '../../../src/cli/table';
import type { RunData } from '../../../src/runs/runTypes';
import type { RunSummary } from '../../../src/protocol/stats';
import { tinyConfig } from './fixtures';

const summary: RunSummary = {
  steps: 4,
  epochs: 2,
  durationMs: 1500,
  final: { loss: 0.5, accuracy: 0.8, val_loss: 0.6, val_auc: 0.7 },
  test: { test_loss: 0.65 },
  stoppedEarly: false,
  samplesPerSec: 10,
};

describe('CLI tables', () => {
  it('prefers test, then validation, then training metrics', () => {
    assert.equal(bestMetric(summary, 'loss'), 0.65);
    assert.equal(bestMetric(summary, 'auc'), 0.7);
    assert.equal(bestMetric(summary, 'accuracy'), 0.8);
    assert.equal(bestMetric(summary, 'mse'), undefined);
    assert.equal(bestMetric(undefined, 'loss'), undefined);
  });

  it('formats missing and non-finite values readably', () => {
    assert.deepEqual(
      [cell(undefined), cell(Number.NaN), cell(Infinity), cell(-Infinity), cell(0.123456), cell(2, 1)],
      ['-', 'NaN', 'Inf', '-Inf', '0.1235', '2.0'],
    );
  });

  it('pads columns and right-aligns numbers', () => {
    const table = formatTable(
      ['name', 'n'],
      [
        ['a', '1'],
        ['long', '100'],
      ],
      new Set([1]),
    );
    assert.equal(table, 'name    n\n----  ---\na       1\nlong  100');
  });

  it('builds the comparison table from run data', () => {
    const run = {
      meta: { name: 'x/SNN', status: 'finished', backend: { name: 'wasm', versions: {} } },
      config: tinyConfig(),
      metrics: [],
      layers: [],
      summary,
    } as unknown as RunData;
    const failed = { ...run, meta: { ...run.meta, name: 'x/ReLU', status: 'failed', backend: undefined } };
    const lines = comparisonTable([run, failed as RunData]).split('\n');
    assert.match(lines[0] ?? '', /^run\s+status\s+loss\s+accuracy\s+auc\s+time \(s\)\s+backend$/);
    assert.match(lines[2] ?? '', /^x\/SNN\s+finished\s+0\.6500\s+0\.8000\s+0\.7000\s+1\.5\s+wasm$/);
    assert.match(lines[3] ?? '', /^x\/ReLU\s+failed\s+0\.6500/);
  });
});
