// loadDataset: seeded synthetic tasks, splits (stratified, k-fold), train-only standardisation and MNIST.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import type {
  SplitConfig,
  SyntheticDataConfig,
  SyntheticKind,
} from '../../../src/core/config/experimentConfig';
import type { DataSplit } from '../../../src/node/data/dataset';
import { loadDataset } from '../../../src/node/data/loadDataset';

// The bundled trainer finds the digits beside itself (dist/mnist); this test bundle lives in out/test/unit/data.
process.env.SNN_LAB_MNIST_DIR = resolve(__dirname, '../../../../dist/mnist');

const SPLIT: SplitConfig = { test: 0.2, validation: 0.1, folds: 0, stratify: true };

function synthetic(kind: SyntheticKind, extra: Partial<SyntheticDataConfig> = {}): SyntheticDataConfig {
  return {
    source: 'synthetic',
    kind,
    samples: 600,
    features: 4,
    classes: 3,
    noise: 0.1,
    split: SPLIT,
    standardize: true,
    ...extra,
  };
}

function counts(part: DataSplit, classes: number): number[] {
  const out = new Array<number>(classes).fill(0);
  for (const label of part.y) out[label] = (out[label] ?? 0) + 1;
  return out;
}

function columnMoments(part: DataSplit, d: number, j: number): { mean: number; variance: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < part.n; i++) {
    const v = part.x[i * d + j] as number;
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / part.n;
  return { mean, variance: sumSq / part.n - mean * mean };
}

test('every synthetic kind: right shapes, all classes present, deterministic per seed', async () => {
  for (const kind of ['blobs', 'moons', 'spirals', 'xor', 'teacher'] as const) {
    const a = await loadDataset(synthetic(kind), { baseDir: '.', seed: 3 });
    const b = await loadDataset(synthetic(kind), { baseDir: '.', seed: 3 });
    const c = await loadDataset(synthetic(kind), { baseDir: '.', seed: 4 });
    const classes = kind === 'moons' || kind === 'xor' ? 2 : 3;
    assert.equal(a.classes, classes, kind);
    assert.equal(a.features, 4);
    assert.deepEqual([a.train.n, a.validation.n, a.test.n], [420, 60, 120], kind);
    assert.equal(a.train.x.length, 420 * 4);
    assert.ok(
      (a.classCounts ?? []).every((n) => n > 0),
      `${kind}: ${String(a.classCounts)}`,
    );
    assert.deepEqual(a.train.x, b.train.x, `${kind} is deterministic`);
    assert.notDeepEqual(a.train.x, c.train.x, `${kind} depends on the seed`);
    assert.ok(a.train.x.every(Number.isFinite));
  }
});

test('stratified split keeps class proportions in every part', async () => {
  const data = await loadDataset(synthetic('blobs', { samples: 900 }), { baseDir: '.', seed: 1 });
  assert.deepEqual(counts(data.test, 3), [60, 60, 60]);
  assert.deepEqual(counts(data.validation, 3), [30, 30, 30]);
  assert.deepEqual(counts(data.train, 3), [210, 210, 210]);
});

test('standardisation uses training statistics only', async () => {
  const data = await loadDataset(synthetic('blobs'), { baseDir: '.', seed: 2 });
  for (let j = 0; j < 4; j++) {
    const train = columnMoments(data.train, 4, j);
    // Tolerance 1e-4: float32 storage of standardised values (about 7 significant digits) over 420 rows.
    assert.ok(Math.abs(train.mean) < 1e-4, `train mean ${train.mean}`);
    assert.ok(Math.abs(train.variance - 1) < 1e-4, `train variance ${train.variance}`);
    const test = columnMoments(data.test, 4, j);
    assert.ok(Math.abs(test.mean) > 1e-6, 'test statistics are not used: its mean is not exactly 0');
  }
  const raw = await loadDataset(synthetic('blobs', { standardize: false }), { baseDir: '.', seed: 2 });
  assert.ok(
    Math.abs(columnMoments(raw.train, 4, 0).variance - 1) > 0.1,
    'blob centres spread the raw features',
  );
});

test('k folds partition the non-test rows; the test part is the same in every fold', async () => {
  const config = synthetic('moons', {
    samples: 500,
    split: { test: 0.2, validation: 0.1, folds: 4, stratify: true },
  });
  const folds = await Promise.all(
    [0, 1, 2, 3].map((fold) =>
      loadDataset({ ...config, standardize: false }, { baseDir: '.', seed: 9, fold }),
    ),
  );
  const key = (part: DataSplit, i: number) => `${part.x[i * 4]},${part.x[i * 4 + 1]},${part.x[i * 4 + 2]}`;
  const validationRows = folds.flatMap((f) =>
    Array.from({ length: f.validation.n }, (_, i) => key(f.validation, i)),
  );
  assert.equal(validationRows.length, 400);
  assert.equal(new Set(validationRows).size, 400, 'each non-test row validates in exactly one fold');
  for (const f of folds) {
    assert.equal(f.train.n + f.validation.n, 400);
    assert.deepEqual(f.test.x, folds[0]?.test.x);
    assert.deepEqual(counts(f.validation, 2), [50, 50]);
  }
  await assert.rejects(loadDataset(config, { baseDir: '.', seed: 9, fold: 4 }), /fold 4 does not exist/);
});

test('MNIST: 784 standardised pixels, 10 classes, constant pixels become 0, deterministic', async () => {
  const config = { source: 'mnist' as const, samples: 500, split: SPLIT, standardize: false };
  const raw = await loadDataset(config, { baseDir: '.', seed: 1 });
  assert.equal(raw.features, 784);
  assert.equal(raw.classes, 10);
  assert.deepEqual([raw.train.n, raw.validation.n, raw.test.n], [350, 50, 100]);
  assert.ok(
    raw.train.x.every((v) => v >= 0 && v <= 1),
    'the package ships pixels in [0, 1]',
  );
  assert.ok(raw.train.x.some((v) => v > 0.9));
  const std = await loadDataset({ ...config, standardize: true }, { baseDir: '.', seed: 1 });
  const corner = columnMoments(std.train, 784, 0);
  assert.deepEqual([corner.mean, corner.variance], [0, 0], 'the always-black corner pixel is constant');
  assert.ok(std.notes.some((note) => /constant features set to 0/.test(note)));
  const again = await loadDataset({ ...config, standardize: true }, { baseDir: '.', seed: 1 });
  assert.deepEqual(again.test.y, std.test.y);
  await assert.rejects(
    loadDataset({ ...config, samples: 20000 }, { baseDir: '.', seed: 1 }),
    /data.samples must be <= 10000 when source is "mnist", got 20000/,
  );
});

test('a malformed data section (e.g. from an IPC message) is a DataError, not a crash', async () => {
  const bad = { ...synthetic('blobs'), samples: 0, classes: 1 } as SyntheticDataConfig;
  await assert.rejects(loadDataset(bad, { baseDir: '.', seed: 1 }), {
    name: 'DataError',
    message: 'invalid data section: data.samples must be >= 2, got 0; data.classes must be >= 2, got 1',
  });
});
