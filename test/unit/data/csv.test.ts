// CSV loading: good tables, categorical targets with class counts, and a clear DataError for each kind of bad input.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CsvDataConfig } from '../../../src/core/config/experimentConfig';
import { DataError, loadDataset } from '../../../src/node/data/loadDataset';

const root = mkdtempSync(join(tmpdir(), 'snn-csv-'));
const split = { test: 0, validation: 0, folds: 0, stratify: false };

function csv(name: string, text: string, overrides: Partial<CsvDataConfig> = {}) {
  writeFileSync(join(root, name), text);
  const config: CsvDataConfig = {
    source: 'csv',
    path: name,
    header: true,
    target: -1,
    features: [],
    task: 'classification',
    split,
    standardize: false,
    ...overrides,
  };
  return loadDataset(config, { baseDir: root, workspaceRoot: root, seed: 1 });
}

async function rejects(promise: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof DataError, `expected DataError, got ${String(error)}`);
    assert.equal(error.message, message);
    return true;
  });
}

test('reads features and a categorical target, with class counts', async () => {
  const data = await csv('ok.csv', 'a,b,label\n1,2,cat\n3,4,dog\n5,6,cat\n');
  assert.deepEqual(data.featureNames, ['a', 'b']);
  assert.deepEqual(data.classNames, ['cat', 'dog']);
  assert.deepEqual(data.classCounts, [2, 1]);
  assert.equal(data.train.n, 3);
  const rows = [0, 1, 2].map((i) => [...data.train.x.subarray(i * 2, i * 2 + 2), data.train.y[i]]);
  assert.deepEqual(
    rows.sort((p, q) => (p[0] ?? 0) - (q[0] ?? 0)),
    [
      [1, 2, 0],
      [3, 4, 1],
      [5, 6, 0],
    ],
  );
  assert.ok(data.notes.some((note) => note === 'classes: cat=2, dog=1'));
});

test('a file with quotes (read by csv-parse) gives the table its plain form gives; errors before the quote too', async () => {
  const plain = await csv('plain.csv', 'a,b,label\r\n1,2,cat\r\n3,4,dog\r\n\r\n5,6,cat\r\n');
  const quoted = await csv('quoted.csv', '"a","b",label\r\n1,"2",cat\r\n3,4,"dog"\r\n\r\n5,6,cat');
  for (const data of [plain, quoted]) {
    assert.deepEqual(data.featureNames, ['a', 'b']);
    assert.deepEqual(data.classNames, ['cat', 'dog']);
  }
  assert.deepEqual([...quoted.train.x], [...plain.train.x]);
  assert.deepEqual([...quoted.train.y], [...plain.train.y]);
  await rejects(
    csv('late.csv', 'a,label\n1,x\n2,y\nbad,x\n"3",y\n'),
    'late.csv:4: column "a" is not a decimal number',
  );
});

test('target and features by name or index; headerless files; numeric labels sort numerically', async () => {
  const named = await csv('n.csv', 'y,x1,x2,skip\n10,1,2,9\n2,3,4,9\n', { target: 'y', features: ['x2', 1] });
  assert.deepEqual(named.featureNames, ['x2', 'x1']);
  assert.deepEqual(named.classNames, ['2', '10']);
  const bare = await csv('h.csv', '1,2,0\n3,4,1\n', { header: false, target: 2 });
  assert.deepEqual(bare.featureNames, ['col0', 'col1']);
  assert.equal(bare.train.n, 2);
});

test('regression targets are numbers', async () => {
  const data = await csv('r.csv', 'x,y\n1,0.5\n2,1.5\n', { task: 'regression' });
  assert.equal(data.classes, 1);
  assert.equal(data.classNames, undefined);
  assert.deepEqual([...data.train.y].sort(), [0.5, 1.5]);
});

test('bad inputs name the file, line and column', async () => {
  await rejects(csv('ragged.csv', 'a,b,y\n1,2,x\n3,y\n'), 'ragged.csv:3: expected 3 columns, found 2');
  await rejects(csv('text.csv', 'a,b,y\n1,2,x\n3,abc,y\n'), 'text.csv:3: column "b" is not a decimal number');
  await rejects(csv('nan.csv', 'a,b,y\n1,NaN,x\n3,4,y\n'), 'nan.csv:2: column "b" is NaN');
  await rejects(
    csv('empty.csv', 'a,b,y\n1,,x\n3,4,y\n'),
    'empty.csv:2: column "b" is empty: fill or drop the row',
  );
  await rejects(csv('inf.csv', 'a,b,y\n1,Infinity,x\n3,4,y\n'), 'inf.csv:2: column "b" is infinite');
  await rejects(csv('t.csv', 'a,y\n1,\n2,z\n'), 't.csv:2: target column "y" is empty');
  await rejects(
    csv('one.csv', 'a,y\n1,k\n2,k\n'),
    'one.csv: target column "y" has only one class: nothing to classify',
  );
  await rejects(csv('none.csv', 'a,y\n'), 'none.csv: no data rows');
  await rejects(
    csv('col.csv', 'alpha,beta,y\n1,2,k\n', { features: ['alpah'] }),
    'col.csv: feature column "alpah" is not in the header (3 columns); did you mean "alpha"?',
  );
  await rejects(
    csv('idx.csv', 'a,y\n1,k\n', { target: 5 }),
    'idx.csv: target column 5 does not exist (the file has 2 columns)',
  );
  await rejects(
    csv('dup.csv', 'a,y\n1,k\n', { target: 'y', features: ['y'] }),
    'dup.csv: the target column "y" is also listed as a feature',
  );
});

test('missing files and paths outside the workspace are refused', async () => {
  const config: CsvDataConfig = {
    source: 'csv',
    path: 'absent.csv',
    header: true,
    target: -1,
    features: [],
    task: 'classification',
    split,
    standardize: false,
  };
  await rejects(
    loadDataset(config, { baseDir: root, seed: 1 }),
    `CSV file not found: ${join(root, 'absent.csv')} (data.path "absent.csv")`,
  );
  const inner = join(root, 'ws');
  mkdirSync(inner, { recursive: true });
  writeFileSync(join(root, 'outside.csv'), 'a,y\n1,k\n2,j\n');
  await rejects(
    loadDataset({ ...config, path: '../outside.csv' }, { baseDir: inner, workspaceRoot: inner, seed: 1 }),
    `data.path "../outside.csv" resolves to ${join(root, 'outside.csv')}, outside the workspace ${inner}; ` +
      'allow it with the setting snnLab.allowDatasetsOutsideWorkspace',
  );
  const allowed = await loadDataset(
    { ...config, path: '../outside.csv' },
    { baseDir: inner, workspaceRoot: inner, allowOutsideWorkspace: true, seed: 1 },
  );
  assert.equal(allowed.train.n, 2);
});

test('fewer rows than folds is an error', async () => {
  await rejects(
    csv('few.csv', 'a,y\n1,k\n2,j\n3,k\n', { split: { test: 0, validation: 0, folds: 5, stratify: false } }),
    'only 3 non-test rows for 5 folds: every fold needs at least one row (lower data.split.folds or data.split.test)',
  );
});
