// Data loading for studies: IDX files (plain and gzip, and every kind of broken header), imported fold columns,
// CSV globs and lists in loadExperiment, and the SHA-256 of every file read.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { CsvDataConfig, IdxDataConfig } from '../../../src/core/config/experimentConfig';
import { DataError, loadDataset } from '../../../src/node/data/loadDataset';
import { loadExperiment } from '../../../src/node/loadExperiment';

/** An IDX file of unsigned bytes with the given dimensions and data. */
function idx(dims: number[], data: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt8(8, 2);
  header.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

function idxDir(options: { gzip?: boolean; trainImages?: Buffer } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'snn-idx-'));
  const pack = (b: Buffer): Buffer => (options.gzip ? gzipSync(b) : b);
  const images = (n: number, offset: number) =>
    Array.from({ length: n * 4 }, (_, i) => (offset + i * 5) % 256);
  writeFileSync(join(dir, 'tr-img'), pack(options.trainImages ?? idx([6, 2, 2], images(6, 0))));
  writeFileSync(join(dir, 'tr-lab'), pack(idx([6], [0, 1, 2, 0, 1, 2])));
  writeFileSync(join(dir, 'te-img'), pack(idx([3, 2, 2], images(3, 100))));
  writeFileSync(join(dir, 'te-lab'), pack(idx([3], [2, 1, 0])));
  return dir;
}

function idxConfig(extra: Partial<IdxDataConfig> = {}): IdxDataConfig {
  return {
    source: 'idx',
    path: '.',
    train: { images: 'tr-img', labels: 'tr-lab' },
    test: { images: 'te-img', labels: 'te-lab' },
    split: { test: 0.2, validation: 0, folds: 0, stratify: false },
    standardize: false,
    ...extra,
  };
}

for (const gzip of [false, true]) {
  test(`idx ${gzip ? 'gzip' : 'plain'}: the test files are the test part, pixels in [0, 1], every file hashed`, async () => {
    const dir = idxDir({ gzip });
    const data = await loadDataset(idxConfig(), { baseDir: dir, seed: 1 });
    assert.equal(data.train.n, 6, 'split.test is ignored: every training image trains');
    assert.equal(data.test.n, 3);
    assert.equal(data.features, 4);
    assert.equal(data.classes, 3);
    assert.deepEqual([...data.test.y], [2, 1, 0]);
    assert.deepEqual([...(data.test.index ?? [])], [0, 1, 2]);
    assert.equal(data.test.x[0], Math.fround(100 / 255), 'float32 pixels scaled by 1/255');
    assert.equal(data.files.length, 4);
    const file = data.files[0];
    assert.equal(file?.path, join(dir, 'tr-img'));
    const { readFileSync } = await import('node:fs');
    assert.equal(
      file?.sha256,
      createHash('sha256')
        .update(readFileSync(join(dir, 'tr-img')))
        .digest('hex'),
    );
  });
}

test('idx: seeded subsets of the training and test images', async () => {
  const data = await loadDataset(idxConfig({ samples: 4, testSamples: 2 }), { baseDir: idxDir(), seed: 3 });
  assert.equal(data.train.n, 4);
  assert.equal(data.test.n, 2);
});

const broken: [string, Buffer, RegExp][] = [
  [
    'a wrong magic number',
    Buffer.concat([Buffer.from([1, 0]), idx([6, 2, 2], new Array(24).fill(0)).subarray(2)]),
    /magic number starts with 1, 0/,
  ],
  [
    'a float element type',
    (() => {
      const b = idx([6, 2, 2], new Array(24).fill(0));
      b.writeUInt8(0x0d, 2);
      return b;
    })(),
    /element type 0xd/,
  ],
  ['a labels-shaped header', idx([24], new Array(24).fill(0)), /header says 1 dimension/],
  [
    'a size that does not match the header',
    idx([60000, 28, 28], new Array(24).fill(0)),
    /the header announces 60000 x 28 x 28 = 47040000 bytes of data, the file has 24/,
  ],
  ['a truncated header', Buffer.from([0, 0, 8, 3, 0, 0]), /the header needs 16 bytes, the file has 6/],
  [
    '7 images for 6 labels',
    idx([7, 2, 2], new Array(28).fill(0)),
    /tr-lab has 6 labels but .*tr-img has 7 images/,
  ],
];
for (const [what, bytes, message] of broken) {
  test(`idx: ${what} is a DataError naming the file, not a crash`, async () => {
    const dir = idxDir({ trainImages: bytes });
    await assert.rejects(loadDataset(idxConfig(), { baseDir: dir, seed: 1 }), (error: unknown) => {
      assert.ok(error instanceof DataError);
      assert.match(error.message, message);
      return true;
    });
  });
}

test('idx: a file that is not gzip despite its magic bytes, and a missing file, are DataErrors', async () => {
  const dir = idxDir({ trainImages: Buffer.from([0x1f, 0x8b, 1, 2, 3]) });
  await assert.rejects(loadDataset(idxConfig(), { baseDir: dir, seed: 1 }), /is not a valid gzip file/);
  await assert.rejects(
    loadDataset(idxConfig({ path: 'nowhere' }), { baseDir: dir, seed: 1 }),
    /IDX images file not found/,
  );
});

function csvConfig(path: string, folds: number): CsvDataConfig {
  return {
    source: 'csv',
    path,
    header: true,
    target: 'y',
    task: 'classification',
    features: [],
    foldColumn: 'fold',
    split: { test: 0, validation: 0, folds, stratify: true },
    standardize: false,
  };
}

test('fold column: the k-th sorted fold id validates, the column is not a feature', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snn-folds-'));
  const rows = Array.from({ length: 9 }, (_, i) => `${i},${i % 2},${['b', 'a', 'c'][i % 3]}`);
  writeFileSync(join(dir, 't.csv'), ['x,y,fold', ...rows].join('\n'));
  const data = await loadDataset(csvConfig('t.csv', 3), { baseDir: dir, seed: 1, fold: 1 });
  assert.equal(data.features, 1, 'x only');
  assert.deepEqual([...(data.validation.index ?? [])].sort(), [0, 3, 6], 'fold 1 is the id "b" (a < b < c)');
  assert.equal(data.train.n, 6);
  await assert.rejects(
    loadDataset(csvConfig('t.csv', 4), { baseDir: dir, seed: 1 }),
    /data.split.folds is 4 but the fold column has 3 folds \("a", "b", "c"\)/,
  );
  writeFileSync(join(dir, 'one.csv'), ['x,y,fold', ...rows.map((r) => r.replace(/[abc]$/, 'z'))].join('\n'));
  await assert.rejects(
    loadDataset(csvConfig('one.csv', 2), { baseDir: dir, seed: 1 }),
    /data.foldColumn has a single fold \("z"\)/,
  );
});

test('loadExperiment expands a CSV glob in sorted order and reports an empty glob at its line:col', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snn-glob-'));
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'uci'));
  for (const name of ['b.csv', 'a.csv', 'notes.txt']) {
    writeFileSync(join(dir, 'uci', name), 'x,y\n1,0\n2,1\n');
  }
  writeFileSync(join(dir, 'ok.snn.yaml'), 'name: g\ndata:\n  source: csv\n  path: "uci/*.csv"\n');
  const ok = await loadExperiment(join(dir, 'ok.snn.yaml'));
  assert.deepEqual(
    ok.plans.map((p) => p.dataset),
    ['uci/a.csv', 'uci/b.csv'],
  );
  writeFileSync(join(dir, 'empty.snn.yaml'), 'name: g\ndata:\n  source: csv\n  path: "tables/*.csv"\n');
  const empty = await loadExperiment(join(dir, 'empty.snn.yaml'));
  assert.equal(empty.plans.length, 0);
  const problem = empty.problems.find((p) => p.code === 'empty-glob');
  assert.match(problem?.message ?? '', /No CSV file matches "tables\/\*.csv"/);
  assert.deepEqual([problem?.line, problem?.col], [4, 9]);
  writeFileSync(
    join(dir, 'list.snn.yaml'),
    'name: g\ndata:\n  source: csv\n  path: [uci/a.csv, uci/zz.csv]\n',
  );
  const missing = await loadExperiment(join(dir, 'list.snn.yaml'));
  assert.match(
    missing.problems.find((p) => p.code === 'missing-file')?.message ?? '',
    /CSV file not found: .*zz.csv/,
  );
});
