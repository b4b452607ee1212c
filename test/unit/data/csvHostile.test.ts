// Hostile and broken data files (issue 13, items 7 and 12): links out of the workspace, special files, numbers
// Number() would misread, missing or repeated columns, and messages that never quote the file's content.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CsvDataConfig } from '../../../src/core/config/experimentConfig';
import { pathsOutsideWorkspace } from '../../../src/host/dataPolicy';
import { DataError, loadDataset } from '../../../src/node/data/loadDataset';
import { loadExperiment } from '../../../src/node/loadExperiment';
import type { RunPlan } from '../../../src/core/config/experimentConfig';

const root = mkdtempSync(join(tmpdir(), 'snn-csv-hostile-'));
const workspace = join(root, 'ws');
const outside = join(root, 'secret');
mkdirSync(workspace);
mkdirSync(outside);
writeFileSync(
  join(outside, 'passwd.csv'),
  'root:x:0:0:root:/root:/bin/bash\nuser:x:1000:1000::/home/user:/bin/sh\n',
);
writeFileSync(join(outside, 'data.csv'), 'a,y\n1,k\n2,j\n');

function config(path: string, overrides: Partial<CsvDataConfig> = {}): CsvDataConfig {
  const split = { test: 0, validation: 0, folds: 0, stratify: false };
  return {
    source: 'csv',
    path,
    header: true,
    target: -1,
    features: [],
    task: 'classification',
    split,
    standardize: false,
    ...overrides,
  };
}

function load(path: string, overrides: Partial<CsvDataConfig> = {}, allow = false) {
  return loadDataset(config(path, overrides), {
    baseDir: workspace,
    workspaceRoot: workspace,
    allowOutsideWorkspace: allow,
    seed: 1,
  });
}

function csv(name: string, text: string, overrides: Partial<CsvDataConfig> = {}) {
  writeFileSync(join(workspace, name), text);
  return load(name, overrides);
}

async function refused(promise: Promise<unknown>, pattern: RegExp): Promise<string> {
  let message = '';
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof DataError, `expected DataError, got ${String(error)}`);
    message = error.message;
    assert.match(message, pattern);
    return true;
  });
  return message;
}

test('cells Number() would misread are errors: hexadecimal, binary, octal, float32 overflow', async () => {
  await refused(
    csv('hex.csv', 'a,y\n0x10,k\n1,j\n'),
    /^hex\.csv:2: column "a" is a hexadecimal, binary or octal number: write it in decimal$/,
  );
  await refused(csv('bin.csv', 'a,y\n1,k\n0b11,j\n'), /^bin\.csv:3: column "a" is a hexadecimal/);
  await refused(csv('oct.csv', 'a,y\n0o7,k\n1,j\n'), /^oct\.csv:2: column "a" is a hexadecimal/);
  await refused(
    csv('big.csv', 'a,y\n1e39,k\n1,j\n'),
    /^big\.csv:2: column "a" overflows float32 \(\|x\| > 3\.4e38\)$/,
  );
  await refused(csv('sep.csv', 'a,y\n1_000,k\n1,j\n'), /^sep\.csv:2: column "a" is not a decimal number$/);
  const fine = await csv('dec.csv', 'a,y\n-1.5e3,k\n.5,j\n+2.,k\n3.4e38,j\n');
  assert.deepEqual(
    [...fine.train.x].sort((p, q) => p - q),
    [-1500, 0.5, 2, Math.fround(3.4e38)],
  );
});

test('no feature column, a feature listed twice and a header naming a column twice are errors', async () => {
  await refused(
    csv('only-target.csv', 'y\nk\nj\n'),
    /^only-target\.csv: no feature columns: the file has only the target column$/,
  );
  await refused(
    csv('twice.csv', 'a,b,y\n1,2,k\n3,4,j\n', { features: ['a', 0] }),
    /^twice\.csv: feature column "a" is listed twice in data\.features$/,
  );
  await refused(
    csv('header.csv', 'a,b,a,y\n1,2,3,k\n4,5,6,j\n'),
    /^header\.csv: the header names column "a" twice \(columns 0 and 2\)$/,
  );
});

test('a directory or a FIFO gets its own message, and a FIFO never makes the loader wait', async () => {
  mkdirSync(join(workspace, 'folder.csv'));
  await refused(load('folder.csv'), /^data\.path "folder\.csv" is a directory, not a CSV file: /);
  const fifo = join(workspace, 'pipe.csv');
  const made = spawnSync('mkfifo', [fifo]);
  assert.equal(made.status, 0, `mkfifo (coreutils) is needed: ${made.stderr?.toString() ?? ''}`);
  await refused(load('pipe.csv'), /^data\.path "pipe\.csv" is a FIFO \(named pipe\), not a CSV file: /);
  const experiment = join(workspace, 'x.snn.yaml');
  writeFileSync(
    experiment,
    'data:\n  source: csv\n  path: pipe.csv\nvariants:\n  A: {data: {source: csv, path: folder.csv}}\n',
  );
  const loaded = await loadExperiment(experiment);
  assert.deepEqual(
    loaded.problems.map((p) => `${p.line}:${p.col} ${p.message}`),
    [
      `3:9 CSV path is a FIFO (named pipe), not a file: ${fifo}`,
      `5:33 CSV path is a directory, not a file: ${join(workspace, 'folder.csv')}`,
    ],
  );
});

test('a symbolic link out of the workspace is outside; a link inside and a folder named ..foo are inside', async () => {
  symlinkSync(outside, join(workspace, 'outlink'));
  symlinkSync(join(outside, 'data.csv'), join(workspace, 'file-link.csv'));
  const message = await refused(load('outlink/data.csv'), /outside the workspace/);
  assert.match(message, new RegExp(`through a symbolic link, to ${join(outside, 'data.csv')}`));
  await refused(load('file-link.csv'), /outside the workspace/);
  const allowed = await load('outlink/data.csv', {}, true);
  assert.equal(allowed.train.n, 2);
  mkdirSync(join(workspace, '..foo'));
  writeFileSync(join(workspace, '..foo', 'd.csv'), 'a,y\n1,k\n2,j\n');
  assert.equal((await load('..foo/d.csv')).train.n, 2);
  mkdirSync(join(workspace, 'sub'));
  writeFileSync(join(workspace, 'sub', 'in.csv'), 'a,y\n1,k\n2,j\n');
  symlinkSync(join(workspace, 'sub'), join(workspace, 'inlink'));
  assert.equal((await load('inlink/in.csv')).train.n, 2);
});

test('the host refuses the same links before queueing, by real path', async () => {
  const plan = (path: string) =>
    ({ name: path, sweepPoint: {}, config: { data: { source: 'csv', path } } }) as unknown as RunPlan;
  const experiment = join(workspace, 'e.snn.json');
  const found = await pathsOutsideWorkspace(
    [plan('outlink/data.csv'), plan('..foo/d.csv'), plan('inlink/in.csv'), plan('missing/x.csv')],
    experiment,
    workspace,
  );
  assert.deepEqual(found, [join(workspace, 'outlink/data.csv')]);
});

test('messages never quote the file: a wrong column, a malformed row, a single class', async () => {
  const shown = [
    await refused(
      load('../secret/passwd.csv', { target: 'name' }, true),
      /target column "name" is not in the header \(1 columns\)$/,
    ),
    await refused(load('../secret/passwd.csv', { header: false }, true), /no feature columns/),
    await refused(
      csv('quote.csv', 'a,y\n"unclosed secret,k\n'),
      /^quote\.csv(:\d+)?: malformed CSV \(CSV_[A-Z_]+\)$/,
    ),
    await refused(
      csv('one.csv', 'a,y\n1,hunter2\n2,hunter2\n'),
      /^one\.csv: target column "y" has only one class: nothing to classify$/,
    ),
    await refused(
      csv('cell.csv', 'a,y\nhunter2,k\n1,j\n'),
      /^cell\.csv:2: column "a" is not a decimal number$/,
    ),
  ];
  for (const message of shown) {
    assert.doesNotMatch(message, /root:x|bin\/bash|hunter2|secret,/, message);
  }
});

test('column names in messages are escaped and cut', async () => {
  const long = `${'c'.repeat(200)}\u001b]0;pwned\u0007`;
  const message = await refused(
    csv('names.csv', `${long},y\n1,k\n`, { features: ['nope'] }),
    /feature column "nope"/,
  );
  assert.ok(!message.includes('\u001b'));
  const escaped = await refused(
    csv('esc.csv', `"a\u001b[2J",y\nx,k\n`),
    /column "a\\x1b\[2J" is not a decimal number/,
  );
  assert.ok(!escaped.includes('\u001b'));
});
