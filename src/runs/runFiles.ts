/**
 * Low-level run-directory I/O: atomic JSON replacement (temp file + rename, the temp removed on failure), flushed
 * JSON-lines appends, and readers that open regular files only, never read a file into one string, bound every
 * line and file they read, tolerate a truncated last line and can tail a file from a byte offset.
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

/** Largest meta.json, config.json or summary.json read (they are a few KB; anything bigger is not a run file). */
export const MAX_JSON_FILE_BYTES = 16 * 1024 * 1024;
/** Longest JSON line read from metrics.jsonl or layers.jsonl (depth 1,000 × 512 bins is ~40 MB); longer ones are skipped. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
/** Bytes read per system call when streaming a JSON-lines file. */
const CHUNK_BYTES = 1024 * 1024;

/** A run file that exists but cannot be read as one (not a regular file, too big, not JSON). */
export class RunFileError extends Error {
  override readonly name = 'RunFileError';
}

/** JSON has no NaN or Infinity: numeric files store them as the strings "NaN", "Infinity", "-Infinity". */
export function encodeNonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/** Reviver undoing encodeNonFinite (only for files whose strings are never these words: jsonl, summary). */
export function decodeNonFinite(_key: string, value: unknown): unknown {
  return value === 'NaN' || value === 'Infinity' || value === '-Infinity' ? Number(value) : value;
}

/**
 * Parses numeric JSON text (jsonl lines, summary.json). A reviver makes V8's JSON.parse ~7x slower (measured:
 * 77 vs 11 MB/s on a 52 KB statistics line), so it is applied only to text that holds one of the three words.
 */
export function parseNumericJson(text: string): unknown {
  const special = text.includes('"NaN"') || text.includes('Infinity"');
  return special ? JSON.parse(text, decodeNonFinite) : JSON.parse(text);
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

/** True when a JSON value holds NaN or an infinity anywhere (a tight scan is 2x cheaper than a replacer). */
function hasNonFinite(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (hasNonFinite(item)) return true;
    return false;
  }
  for (const key in value) if (hasNonFinite((value as Record<string, unknown>)[key])) return true;
  return false;
}

/** One JSON line (with its '\n') for a jsonl file, non-finite numbers as strings (encodeNonFinite). */
export function toJsonLine(value: unknown): string {
  return `${hasNonFinite(value) ? JSON.stringify(value, encodeNonFinite) : JSON.stringify(value)}\n`;
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
function readAt(fd: number, position: number, length: number): Buffer {
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

/** What a line visitor receives: the parsed value, or the reason it could not be parsed. */
export type ParsedLine = { ok: true; value: unknown } | { ok: false; reason: string };

/** True when a line holds only spaces, tabs and carriage returns (exits at the first other byte: lines open with '{'). */
function isBlank(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte !== 0x20 && byte !== 0x0d && byte !== 0x09) return false;
  return true;
}

function parseLine(bytes: Buffer): ParsedLine {
  try {
    return { ok: true, value: parseNumericJson(bytes.toString('utf8')) };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

/** Where a streaming read stopped. */
export interface LinesRead {
  /** Byte offset just after the last complete line read (where the next read starts). */
  offset: number;
  /** True when the file ends in a partial line (a writer mid-append, or a crash mid-write). */
  truncated: boolean;
  /** True when reading stopped at `maxBytes` before the end of the file. */
  more: boolean;
  /** Complete lines skipped because they were longer than `maxLineBytes`. */
  longLines: number;
}

export interface LineOptions {
  /** Stop after about this many bytes (at a line end); default: read to the end. */
  maxBytes?: number;
  maxLineBytes?: number;
}

/**
 * Streams the complete lines of a JSON-lines file from byte `offset` on, in 1 MB chunks, calling `visit` with
 * each line's parsed value (blank lines skipped). A final line without '\n' is left for the next read; a line
 * longer than `maxLineBytes` is skipped without being held in memory. Missing file: nothing read.
 */
export function forEachLine(
  path: string,
  offset: number,
  visit: (line: ParsedLine, start: number) => void,
  options: LineOptions = {},
): LinesRead {
  const file = openRegular(path);
  if (!file) return { offset, truncated: false, more: false, longLines: 0 };
  try {
    return streamLines(file.fd, file.size, offset, visit, options);
  } finally {
    closeSync(file.fd);
  }
}

function streamLines(
  fd: number,
  size: number,
  offset: number,
  visit: (line: ParsedLine, start: number) => void,
  options: LineOptions,
): LinesRead {
  const maxLine = options.maxLineBytes ?? MAX_LINE_BYTES;
  const stopAfter = options.maxBytes === undefined ? Infinity : offset + options.maxBytes;
  let position = offset > size ? 0 : offset; // a file that shrank was replaced: start over
  let lineStart = position;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let skipping = false;
  let longLines = 0;
  while (position < size) {
    const chunk = readAt(fd, position, Math.min(CHUNK_BYTES, size - position));
    if (chunk.length === 0) break;
    let from = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, from)) {
      const end = position + nl + 1;
      if (skipping || carryBytes + nl - from > maxLine) {
        longLines++;
      } else {
        const part = chunk.subarray(from, nl);
        const bytes = carry.length > 0 ? Buffer.concat([...carry, part]) : part;
        if (!isBlank(bytes)) visit(parseLine(bytes), lineStart);
      }
      carry = [];
      carryBytes = 0;
      skipping = false;
      from = nl + 1;
      lineStart = end;
      if (end >= stopAfter) return { offset: end, truncated: false, more: end < size, longLines };
    }
    const rest = chunk.length - from;
    if (rest > 0 && !skipping) {
      if (carryBytes + rest > maxLine) {
        skipping = true;
        carry = [];
        carryBytes = 0;
      } else {
        carry.push(Buffer.from(chunk.subarray(from)));
        carryBytes += rest;
      }
    }
    position += chunk.length;
  }
  return { offset: lineStart, truncated: lineStart < position, more: false, longLines };
}

/** Result of {@link readJsonLines}. */
export interface JsonLines {
  /** Parsed complete lines, in order. */
  values: unknown[];
  /** Byte offset just after the last complete line (where the next tail starts). */
  offset: number;
  /** 1-based line numbers (counted from the read start) that were not valid JSON or too long. */
  badLines: number[];
  /** True when the file ended in a partial line (a writer mid-append, or a crash mid-write). */
  truncated: boolean;
}

/**
 * Reads the complete lines of a JSON-lines file from byte `offset` on into an array (for small files and tails;
 * large files go through {@link forEachLine}). A final line without '\n' is left for the next read.
 */
export function readJsonLines(path: string, offset = 0, maxBytes?: number): JsonLines {
  const values: unknown[] = [];
  const badLines: number[] = [];
  let index = 0;
  const read = forEachLine(
    path,
    offset,
    (line) => {
      index++;
      if (line.ok) values.push(line.value);
      else badLines.push(index);
    },
    maxBytes === undefined ? {} : { maxBytes },
  );
  for (let i = 0; i < read.longLines; i++) badLines.push(-1);
  return { values, offset: read.offset, badLines, truncated: read.truncated };
}

/** Number of complete lines ('\n' characters) of a regular file, counted in 1 MB chunks. */
export function countLines(path: string): number {
  const file = openRegular(path);
  if (!file) return 0;
  try {
    let count = 0;
    for (let position = 0; position < file.size; position += CHUNK_BYTES) {
      const chunk = readAt(file.fd, position, Math.min(CHUNK_BYTES, file.size - position));
      for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) count++;
      if (chunk.length === 0) break;
    }
    return count;
  } finally {
    closeSync(file.fd);
  }
}

/** Byte length of the complete lines of a file (up to and including its last '\n'), reading from the end. */
export function completeLength(path: string): number {
  const file = openRegular(path);
  if (!file) return 0;
  try {
    return lastNewline(file.fd, file.size) + 1;
  } finally {
    closeSync(file.fd);
  }
}

/** First read when searching for a line end; grows 4x per read (metrics lines are ~130 B, statistics ~50 KB). */
const FIRST_READ = 1024;

/** Position of the last '\n' before `end`, or -1. Reads backwards in growing chunks. */
function lastNewline(fd: number, end: number): number {
  let chunk = FIRST_READ;
  for (let stop = end; stop > 0;) {
    const start = Math.max(0, stop - chunk);
    const index = readAt(fd, start, stop - start).lastIndexOf(0x0a);
    if (index >= 0) return start + index;
    stop = start;
    chunk = Math.min(chunk * 4, CHUNK_BYTES);
  }
  return -1;
}

/**
 * The line starting at `start` (without its '\n', which must lie before `end`), or undefined when it is longer
 * than `limit` or has no end. Reads forward in growing chunks.
 */
function lineAt(fd: number, start: number, end: number, limit: number): Buffer | undefined {
  const parts: Buffer[] = [];
  let length = 0;
  let chunk = FIRST_READ;
  for (let position = start; position < end && length <= limit;) {
    const bytes = readAt(fd, position, Math.min(chunk, end - position));
    if (bytes.length === 0) break;
    const index = bytes.indexOf(0x0a);
    if (index >= 0) {
      parts.push(bytes.subarray(0, index));
      length += index;
      return length <= limit ? Buffer.concat(parts) : undefined;
    }
    parts.push(bytes);
    length += bytes.length;
    position += bytes.length;
    chunk = Math.min(chunk * 4, CHUNK_BYTES);
  }
  return undefined;
}

/** Start of the first line that begins at or after `from` (after a '\n' at from - 1 or later), or -1. */
function nextLineStart(fd: number, from: number, end: number, limit: number): number {
  if (from === 0) return 0;
  const rest = lineAt(fd, from - 1, end, limit);
  return rest === undefined ? -1 : from + rest.length;
}

/** One line read by {@link sampleLines}: where it starts and its parsed value. */
export interface SampledLine {
  start: number;
  line: ParsedLine;
}

/**
 * Where about `count` complete lines spread evenly over the bytes of a JSON-lines file after byte `from` begin:
 * the first line, the last complete line, and the lines starting after evenly spaced offsets in between. Costs a
 * few small reads per line whatever the file's size. Also returns the end of the file's complete lines.
 */
export function planSamples(
  path: string,
  from: number,
  count: number,
  maxLineBytes = MAX_LINE_BYTES,
): { starts: number[]; end: number } {
  const file = openRegular(path);
  if (!file) return { starts: [], end: from };
  try {
    const end = lastNewline(file.fd, file.size) + 1;
    if (end <= from) return { starts: [], end: Math.max(end, from) };
    const lastStart = end >= 2 ? lastNewline(file.fd, end - 1) + 1 : 0;
    const starts = new Set<number>([from]);
    for (let k = 1; k < count - 1; k++) {
      const target = from + Math.floor(((end - from) * k) / (count - 1));
      if (target >= lastStart) break;
      const start = nextLineStart(file.fd, target, end, maxLineBytes);
      if (start >= 0 && start < end) starts.add(start);
    }
    if (lastStart >= from) starts.add(lastStart);
    return { starts: [...starts].sort((a, b) => a - b), end };
  } finally {
    closeSync(file.fd);
  }
}

/** Reads and parses the lines starting at `starts` (lines longer than `maxLineBytes` or without an end are skipped). */
export function readLinesAt(
  path: string,
  starts: readonly number[],
  maxLineBytes = MAX_LINE_BYTES,
): SampledLine[] {
  const file = openRegular(path);
  if (!file) return [];
  try {
    const lines: SampledLine[] = [];
    for (const start of starts) {
      const bytes = lineAt(file.fd, start, file.size, maxLineBytes);
      if (bytes && bytes.length > 0 && !isBlank(bytes)) lines.push({ start, line: parseLine(bytes) });
    }
    return lines;
  } finally {
    closeSync(file.fd);
  }
}

/**
 * {@link planSamples} and {@link readLinesAt} in one call. Short lines (metrics.jsonl: ~130 bytes) come from one
 * 4 KB read per sample; a line that does not fit is read as planSamples/readLinesAt would.
 */
export function sampleLines(
  path: string,
  from: number,
  count: number,
  maxLineBytes = MAX_LINE_BYTES,
): { lines: SampledLine[]; end: number } {
  const file = openRegular(path);
  if (!file) return { lines: [], end: from };
  try {
    const end = lastNewline(file.fd, file.size) + 1;
    if (end <= from) return { lines: [], end: Math.max(end, from) };
    const lines: SampledLine[] = [];
    const lastStart = Math.max(from, lastNewline(file.fd, end - 1) + 1);
    let last = -1;
    for (let k = 0; k < count; k++) {
      const target =
        k === count - 1 ? lastStart : from + Math.floor(((end - from) * k) / Math.max(1, count - 1));
      const begin = Math.max(from, target - 1);
      const window = readAt(file.fd, begin, Math.min(4 * FIRST_READ, end - begin));
      let start = target === from || target === lastStart ? target : -1;
      let stop = -1;
      if (start < 0) {
        const nl = window.indexOf(0x0a);
        if (nl >= 0) start = begin + nl + 1;
      }
      if (start >= 0 && start < end) {
        const nl = window.indexOf(0x0a, start - begin);
        if (nl >= 0) stop = begin + nl;
      }
      if (start < 0 || start >= end) continue;
      if (start <= last) continue;
      const bytes =
        stop >= 0 ? window.subarray(start - begin, stop - begin) : lineAt(file.fd, start, end, maxLineBytes);
      last = start;
      if (bytes && bytes.length > 0 && !isBlank(bytes)) lines.push({ start, line: parseLine(bytes) });
    }
    return { lines, end };
  } finally {
    closeSync(file.fd);
  }
}

/**
 * The last complete lines of a file within its final `maxBytes` (for the tail of metrics.jsonl): parsed values in
 * file order. A line cut by the window's start is dropped.
 */
export function tailLines(path: string, maxBytes: number): unknown[] {
  const file = openRegular(path);
  if (!file) return [];
  try {
    const end = lastNewline(file.fd, file.size) + 1;
    const start = Math.max(0, end - maxBytes);
    const window = readAt(file.fd, start, end - start);
    const first = start === 0 ? 0 : window.indexOf(0x0a) + 1;
    const out: unknown[] = [];
    if (first <= 0 && start !== 0) return out;
    for (const text of window.subarray(first).toString('utf8').split('\n')) {
      if (text.trim() === '') continue;
      try {
        out.push(parseNumericJson(text));
      } catch {
        // a damaged line in the tail: the caller looks for the last good record
      }
    }
    return out;
  } finally {
    closeSync(file.fd);
  }
}
