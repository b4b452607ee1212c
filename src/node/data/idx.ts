/**
 * Reads MNIST-format IDX files (LeCun's format: MNIST, Fashion-MNIST, EMNIST), plain or gzip-compressed: an images
 * file (unsigned bytes, n x rows x cols) and its labels file (n unsigned bytes). Every header, size and count is
 * checked against the bytes, and decompression is capped, so a wrong or hostile file is a DataError, never a crash
 * or an unbounded allocation. Pixels are scaled to [0, 1].
 */
import { readFile, stat } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { DataError } from './dataError';

/** Largest file read or decompressed (1 GiB; Fashion-MNIST's training images are 47 MB). */
export const IDX_MAX_BYTES = 2 ** 30;
const UNSIGNED_BYTE = 0x08;

const gunzipAsync = promisify(gunzip);

/** The decoded content of one IDX file. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Reads a file, gunzipping it when it starts with the gzip magic bytes (not by its extension). */
async function readBytes(path: string, label: string): Promise<Uint8Array> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new DataError(`${label} file not found: ${path}`, { file: path });
  if (info.size > IDX_MAX_BYTES) {
    throw new DataError(
      `${path}: ${info.size} bytes is more than the ${IDX_MAX_BYTES}-byte limit of an IDX file`,
      {
        file: path,
      },
    );
  }
  const raw = await readFile(path);
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  try {
    return await gunzipAsync(raw, { maxOutputLength: IDX_MAX_BYTES });
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
        ? `decompresses to more than ${IDX_MAX_BYTES} bytes`
        : `is not a valid gzip file (${(error as Error).message})`;
    throw new DataError(`${path} ${reason}`, { file: path });
  }
}

/** Parses IDX bytes: magic 0 0 <type> <ndims>, ndims big-endian uint32 sizes, then the data (unsigned bytes only). */
export function parseIdx(bytes: Uint8Array, path: string, expectedDims: number): IdxArray {
  const fail = (what: string): never => {
    throw new DataError(
      `${path}: not an IDX file of unsigned bytes with ${expectedDims} dimension(s): ${what}`,
      {
        file: path,
      },
    );
  };
  if (bytes.length < 4) fail(`only ${bytes.length} bytes`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(`magic number starts with ${bytes[0]}, ${bytes[1]} instead of 0, 0`);
  }
  if (bytes[2] !== UNSIGNED_BYTE) {
    fail(`element type 0x${(bytes[2] ?? 0).toString(16)} (only 0x08, unsigned byte, is read)`);
  }
  const ndims = bytes[3] as number;
  if (ndims !== expectedDims) fail(`header says ${ndims} dimension(s)`);
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) fail(`the header needs ${headerBytes} bytes, the file has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((n, d) => n * d, 1);
  if (bytes.length !== headerBytes + size) {
    fail(
      `the header announces ${dims.join(' x ')} = ${size} bytes of data, the file has ${bytes.length - headerBytes}`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Images and labels of one IDX pair, checked against each other. */
export interface IdxPair {
  n: number;
  rows: number;
  cols: number;
  /** n x (rows * cols) bytes, row-major. */
  pixels: Uint8Array;
  labels: Uint8Array;
}

/** Reads an images file and its labels file and checks that they describe the same n samples. */
export async function readIdxPair(imagesPath: string, labelsPath: string): Promise<IdxPair> {
  const imageBytes = await readBytes(imagesPath, 'IDX images');
  const labelBytes = await readBytes(labelsPath, 'IDX labels');
  const images = parseIdx(imageBytes, imagesPath, 3);
  const labels = parseIdx(labelBytes, labelsPath, 1);
  const [n = 0, rows = 0, cols = 0] = images.dims;
  if (labels.dims[0] !== n) {
    throw new DataError(`${labelsPath} has ${labels.dims[0]} labels but ${imagesPath} has ${n} images`, {
      file: labelsPath,
    });
  }
  if (n === 0 || rows * cols === 0) {
    throw new DataError(`${imagesPath}: no images (${images.dims.join(' x ')})`, { file: imagesPath });
  }
  return { n, rows, cols, pixels: images.data, labels: labels.data };
}
