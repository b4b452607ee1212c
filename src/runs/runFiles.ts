/**
 * Low-level run-directory I/O: atomic JSON replacement (temp file + rename, the temp removed on failure), flushed
 * JSON-lines appends, and readers that open regular files only, never read a file into one string and bound every
 * file they read. Streaming line reads are in runFileLines.ts, seeking ones (samples, tails) in runFileSeek.ts.
 */
import {
  appendFileSync,
  closeSync,
  constants,
  fstatSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { encodeNonFinite, parseNumericJson, toJsonLine } from './numericJson';

/** Largest meta.json, config.json or summary.json read (they are a few KB; anything bigger is not a run file). */
export const MAX_JSON_FILE_BYTES = 16 * 1024 * 1024;
/** Longest JSON line read from metrics.jsonl or layers.jsonl (depth 1,000 × 512 bins is ~40 MB); longer ones are skipped. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
/** Bytes read per system call when streaming a JSON-lines file. */
export const CHUNK_BYTES = 1024 * 1024;

/** A run file that exists but cannot be read as one (not a regular file, too big, not JSON). */
export class RunFileError extends Error {
  override readonly name = 'RunFileError';
}

/** Error codes that mean "no space left": the file system or the user's quota is full. */
export function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * Writes `value` as pretty JSON to a temp file beside `path`, then renames it over `path` (atomic on POSIX:
 * a reader sees the old or the new file, never a half-written one). `numeric` applies encodeNonFinite. When the
 * write fails (e.g. the disk is full) the temp file is removed and `path` keeps its last good version.
 */
export function writeJsonAtomic(path: string, value: unknown, numeric = false): void {
  const temp = `${path}.tmp-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
  try {
    writeFileSync(temp, `${JSON.stringify(value, numeric ? encodeNonFinite : undefined, 2)}\n`);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Appends one JSON line; appendFileSync hands it to the OS before returning, so other processes can tail it. */
export function appendJsonLine(path: string, value: unknown): number {
  const line = toJsonLine(value);
  appendFileSync(path, line);
  return Buffer.byteLength(line);
}

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

/**
 * Opens a run file for reading, or returns undefined when it does not exist. Refuses (RunFileError) anything but
 * a regular file: a FIFO would block every reader, a device never ends, a directory fails, and a symbolic link
 * could point outside the runs directory. O_NONBLOCK makes opening a FIFO return at once; O_NOFOLLOW refuses links.
 */
export function openRegular(path: string): { fd: number; size: number } | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'ELOOP') {
      throw new RunFileError(`${path} is a symbolic link; run files must be regular files`);
    }
    throw new RunFileError(`${path}: ${(error as Error).message}`);
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    const kind = stat.isDirectory() ? 'a directory' : stat.isFIFO() ? 'a FIFO' : 'not a regular file';
    throw new RunFileError(`${path} is ${kind}; run files must be regular files`);
  }
  return { fd, size: stat.size };
}

/** Size of a regular run file, undefined when missing; throws RunFileError for anything else. */
export function regularSize(path: string): number | undefined {
  const file = openRegular(path);
  if (!file) return undefined;
  closeSync(file.fd);
  return file.size;
}

/** Reads `length` bytes at `position` (fewer at the end of the file). */
export function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return buffer.subarray(0, done);
}

/**
 * Reads a small JSON file (meta, config, summary): undefined when missing; RunFileError when it is not a regular
 * file, larger than MAX_JSON_FILE_BYTES or not JSON. `numeric` decodes "NaN"/"Infinity" strings.
 */
export function readJsonFile(path: string, numeric = false): unknown {
  const file = openRegular(path);
  if (!file) return undefined;
  try {
    if (file.size > MAX_JSON_FILE_BYTES) {
      throw new RunFileError(
        `${path} is ${file.size} bytes, larger than any run file (${MAX_JSON_FILE_BYTES})`,
      );
    }
    const text = readAt(file.fd, 0, file.size).toString('utf8');
    try {
      return numeric ? parseNumericJson(text) : JSON.parse(text);
    } catch (error) {
      throw new RunFileError(`${path}: not valid JSON (${(error as Error).message})`);
    }
  } finally {
    closeSync(file.fd);
  }
}
