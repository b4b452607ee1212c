/**
 * The `idx` data source: an IDX training pair and test pair (docs/experiment-format.md) as two RawTables, with
 * optional seeded subsets. The test files are the test part; the training file is split into train/validation
 * or folds like any other table.
 */
import { resolve } from 'node:path';
import type { IdxDataConfig } from '../../core/config/experimentConfig';
import { createRng, deriveSeed } from '../../core/random';
import { DataError } from './dataError';
import { readIdxPair, type IdxPair } from './idx';
import type { RawTable } from './table';

/** `count` indices of [0, n) in a seeded order, or every index in order when count is absent or >= n. */
function subset(n: number, count: number | undefined, seed: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (count === undefined || count >= n) return all;
  return createRng(seed)
    .shuffle(all)
    .slice(0, count)
    .sort((a, b) => a - b);
}

function toTable(pair: IdxPair, rows: number[], classes: number, file: string): RawTable {
  const d = pair.rows * pair.cols;
  const x = new Float32Array(rows.length * d);
  const y = new Float32Array(rows.length);
  rows.forEach((source, r) => {
    const pixels = pair.pixels.subarray(source * d, (source + 1) * d);
    for (let j = 0; j < d; j++) x[r * d + j] = (pixels[j] as number) / 255;
    y[r] = pair.labels[source] as number;
  });
  return {
    x,
    y,
    n: rows.length,
    features: d,
    featureNames: Array.from({ length: d }, (_, j) => `px${Math.floor(j / pair.cols)}_${j % pair.cols}`),
    classNames: Array.from({ length: classes }, (_, k) => String(k)),
    task: 'classification',
    sourceIndex: Int32Array.from(rows),
    notes: [`${file}: ${rows.length} of ${pair.n} images, ${pair.rows} x ${pair.cols} pixels`],
  };
}

/** Absolute paths of the four files of an idx data section. */
export function idxFiles(data: IdxDataConfig, baseDir: string): string[] {
  const dir = resolve(baseDir, data.path);
  return [data.train.images, data.train.labels, data.test.images, data.test.labels].map((f) =>
    resolve(dir, f),
  );
}

/** Loads the training and test pairs; `seed` is the run's split seed (it draws the subsets). */
export async function loadIdx(
  data: IdxDataConfig,
  baseDir: string,
  seed: number,
): Promise<{ train: RawTable; test: RawTable }> {
  const [trainImages, trainLabels, testImages, testLabels] = idxFiles(data, baseDir) as [
    string,
    string,
    string,
    string,
  ];
  const train = await readIdxPair(trainImages, trainLabels);
  const test = await readIdxPair(testImages, testLabels);
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new DataError(
      `${testImages}: images are ${test.rows} x ${test.cols} but the training images are ${train.rows} x ${train.cols}`,
      { file: testImages },
    );
  }
  const classes = train.labels.reduce((m, v) => Math.max(m, v), 0) + 1;
  const beyond = test.labels.findIndex((v) => v >= classes);
  if (beyond >= 0) {
    throw new DataError(
      `${testLabels}: label ${test.labels[beyond]} (sample ${beyond}) never occurs in the training labels`,
      {
        file: testLabels,
      },
    );
  }
  if (classes < 2) {
    throw new DataError(`${trainLabels}: every label is 0: nothing to classify`, { file: trainLabels });
  }
  return {
    train: toTable(
      train,
      subset(train.n, data.samples, deriveSeed(seed, 'idx-train')),
      classes,
      data.train.images,
    ),
    test: toTable(
      test,
      subset(test.n, data.testSamples, deriveSeed(seed, 'idx-test')),
      classes,
      data.test.images,
    ),
  };
}
