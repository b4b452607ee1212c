// Trains on Debian's Fashion-MNIST IDX files (package dataset-fashion-mnist; CI installs it): all 60,000 training
// and 10,000 test images through `data.source: idx`, one epoch of a small MLP, and checks the split sizes, the
// recorded SHA-256 of the four files and a test accuracy a working MLP reaches after one epoch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { RunMeta } from '../../src/runs/runTypes';
import type { RunSummary } from '../../src/protocol/stats';

const FASHION = '/usr/share/datasets/fashion-mnist';
const FILES = [
  'train-images-idx3-ubyte.gz',
  'train-labels-idx1-ubyte.gz',
  't10k-images-idx3-ubyte.gz',
  't10k-labels-idx1-ubyte.gz',
];
const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'snn-fashion-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const present = FILES.every((f) => existsSync(join(FASHION, f)));

test('Fashion-MNIST IDX: 60,000 + 10,000 images, hashes recorded, > 0.75 test accuracy after one epoch', (t) => {
  if (!present) {
    t.skip(`Debian's Fashion-MNIST is not installed: apt-get install -y dataset-fashion-mnist`);
    return;
  }
  const file = join(dir, 'fashion.snn.json');
  writeFileSync(
    file,
    JSON.stringify({
      name: 'fashion',
      data: { source: 'idx', path: FASHION, split: { validation: 0.1 } },
      model: { depth: 2, width: 64 },
      train: { epochs: 1, batchSize: 256, learningRate: 0.001 },
      stats: { everySteps: 100 },
    }),
  );
  const runsDir = join(dir, 'runs');
  // The data lies outside the experiment's folder on purpose (a system data set): the CLI has no workspace guard.
  const result = spawnSync(process.execPath, [cli, 'run', file, '--runs-dir', runsDir, '--json'], {
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  const [id] = readdirSync(runsDir);
  const read = (name: string) => JSON.parse(readFileSync(join(runsDir, id as string, name), 'utf8'));
  const meta = read('meta.json') as RunMeta;
  const summary = read('summary.json') as RunSummary;
  assert.deepEqual(meta.dataset?.samples, { train: 54000, validation: 6000, test: 10000 });
  assert.equal(meta.dataset?.features, 784);
  assert.equal(meta.dataset?.classes, 10);
  assert.deepEqual(
    meta.dataFiles?.map((f) => [f.path, f.sha256]),
    FILES.map((f) => [
      join(FASHION, f),
      createHash('sha256')
        .update(readFileSync(join(FASHION, f)))
        .digest('hex'),
    ]),
  );
  const accuracy = summary.test.test_accuracy as number;
  assert.ok(accuracy > 0.75, `test accuracy ${accuracy}`);
  const predictions = readFileSync(join(runsDir, id as string, 'predictions.csv'), 'utf8')
    .trim()
    .split('\n');
  assert.equal(predictions.length, 1 + 6000 + 10000);
  assert.equal(
    predictions[0],
    `sample,fold,split,label,${Array.from({ length: 10 }, (_, k) => `score_${k}`).join(',')}`,
  );
});
