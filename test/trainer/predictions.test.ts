// predictions.csv (src/trainer/predictions.ts) against the per-row-array formulation it replaced: the same text,
// byte for byte, for classification (2 and 5 classes, large and tied logits, with and without source indices and a
// fold) and regression.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createRng } from '../../src/core/random';
import type { Dataset, DataSplit } from '../../src/node/data/dataset';
import { PREDICTIONS_FILE, writePredictions } from '../../src/trainer/predictions';

/** The previous implementation's lines of one split. */
function previousRows(
  data: Dataset,
  split: DataSplit,
  outputs: Float32Array,
  name: string,
  fold: string,
): string[] {
  const width = data.task === 'regression' ? 1 : data.classes;
  const softmaxRow = (offset: number): number[] => {
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < width; k++) max = Math.max(max, outputs[offset + k] as number);
    const e = Array.from({ length: width }, (_, k) => Math.exp((outputs[offset + k] as number) - max));
    const sum = e.reduce((s, v) => s + v, 0);
    return e.map((v) => v / sum);
  };
  const lines: string[] = [];
  for (let i = 0; i < split.n; i++) {
    const sample = split.index?.[i] ?? i;
    const scores = data.task === 'regression' ? [outputs[i] as number] : softmaxRow(i * width);
    lines.push([sample, fold, name, split.y[i] as number, ...scores].join(','));
  }
  return lines;
}

function split(n: number, labels: number, rng: ReturnType<typeof createRng>, indexed: boolean): DataSplit {
  return {
    x: new Float32Array(0),
    y: Float32Array.from({ length: n }, () => (labels > 1 ? rng.int(labels) : rng.normal())),
    n,
    ...(indexed ? { index: Int32Array.from({ length: n }, (_, i) => 3 * i + 1) } : {}),
  };
}

test('predictions.csv is byte for byte what the per-row-array formulation wrote', async () => {
  const rng = createRng(19);
  const cases = [
    { task: 'classification', classes: 2, indexed: true, fold: 3 },
    { task: 'classification', classes: 5, indexed: false, fold: undefined },
    { task: 'regression', classes: 1, indexed: true, fold: undefined },
  ] as const;
  for (const c of cases) {
    const data: Dataset = {
      task: c.task,
      features: 1,
      classes: c.classes,
      featureNames: ['x'],
      train: split(0, c.classes, rng, false),
      validation: split(40, c.classes, rng, c.indexed),
      test: split(30, c.classes, rng, c.indexed),
      notes: [],
      files: [],
    };
    const outputsOf = (n: number): Float32Array =>
      Float32Array.from({ length: n * c.classes }, (_, k) =>
        k % 7 === 0 ? 80 + (k % 3) : k % 11 === 0 ? 0 : 4 * rng.normal(),
      );
    const validation = outputsOf(40);
    const testOutputs = outputsOf(30);
    const dir = mkdtempSync(join(tmpdir(), 'snn-predictions-'));
    await writePredictions(dir, data, { validation, test: testOutputs }, c.fold);
    const fold = c.fold === undefined ? '' : String(c.fold);
    const scoreColumns =
      c.task === 'regression' ? ['prediction'] : Array.from({ length: c.classes }, (_, k) => `score_${k}`);
    const expected = [
      ['sample', 'fold', 'split', 'label', ...scoreColumns].join(','),
      ...previousRows(data, data.validation, validation, 'validation', fold),
      ...previousRows(data, data.test, testOutputs, 'test', fold),
    ];
    assert.equal(readFileSync(join(dir, PREDICTIONS_FILE), 'utf8'), `${expected.join('\n')}\n`, c.task);
  }
});
