/** Seeking reads of JSON-lines run files: line ends found from the end, evenly sampled lines, and tails. */
import { createHash } from 'node:crypto';
import { closeSync } from 'node:fs';
import { parseNumericJson } from './numericJson';
import { isBlank, parseLine, type ParsedLine } from './runFileLines';
import { CHUNK_BYTES, MAX_LINE_BYTES, openRegular, readAt } from './runFiles';

/**
 * The bytes of a file by position: an open file (a read per call) or a file already read whole (a view per call),
 * so the same sampling and tail code serves a short file read in one call and a long one read by seeking.
 */
export interface ByteSource {
  readonly size: number;
  read(position: number, length: number): Buffer;
}

/** An open file descriptor of `size` bytes as a ByteSource (every read is a system call). */
export function fileSource(fd: number, size: number): ByteSource {
  return { size, read: (position, length) => readAt(fd, position, length) };
}

/** A file's bytes already in memory as a ByteSource (reads are views, no copies). */
export function bufferSource(buffer: Buffer): ByteSource {
  return { size: buffer.length, read: (position, length) => buffer.subarray(position, position + length) };
}

/** Runs `use` on the regular file at `path` opened as a ByteSource (closed after), or returns `missing`. */
function withSource<T>(path: string, missing: T, use: (source: ByteSource) => T): T {
  const file = openRegular(path);
  if (!file) return missing;
  try {
    return use(fileSource(file.fd, file.size));
  } finally {
    closeSync(file.fd);
  }
}

/** Bytes before an offset that {@link prefixStamp} hashes. */
export const STAMP_BYTES = 4096;

/**
 * The size of the regular file at `path` and the sha256 (hex) of its bytes [max(0, offset − 4096), offset): one read
 * of at most 4 KB. Undefined when the file is missing or shorter than `offset` (or `offset` is not a byte offset).
 */
export function prefixStamp(path: string, offset: number): { size: number; tail: string } | undefined {
  if (!Number.isSafeInteger(offset) || offset < 0) return undefined;
  return withSource<{ size: number; tail: string } | undefined>(path, undefined, (source) => {
    if (offset > source.size) return undefined;
    const start = Math.max(0, offset - STAMP_BYTES);
    const bytes = source.read(start, offset - start);
    if (bytes.length !== offset - start) return undefined;
    return { size: source.size, tail: createHash('sha256').update(bytes).digest('hex') };
  });
}

/** First read when searching for a line end; grows 4x per read (metrics lines are ~130 B, statistics ~50 KB). */
const FIRST_READ = 1024;

/** Position of the last '\n' before `end`, or -1. Reads backwards in growing chunks. */
function lastNewline(source: ByteSource, end: number): number {
  let chunk = FIRST_READ;
  for (let stop = end; stop > 0;) {
    const start = Math.max(0, stop - chunk);
    const index = source.read(start, stop - start).lastIndexOf(0x0a);
    if (index >= 0) return start + index;
    stop = start;
    chunk = Math.min(chunk * 4, CHUNK_BYTES);
  }
  return -1;
}

/** Byte length of the complete lines of a file (up to and including its last '\n'), reading from the end. */
export function completeLength(path: string): number {
  return withSource(path, 0, (source) => lastNewline(source, source.size) + 1);
}

/**
 * The line starting at `start` (without its '\n', which must lie before `end`), or undefined when it is longer
 * than `limit` or has no end. Reads forward in growing chunks.
 */
function lineAt(source: ByteSource, start: number, end: number, limit: number): Buffer | undefined {
  const parts: Buffer[] = [];
  let length = 0;
  let chunk = FIRST_READ;
  for (let position = start; position < end && length <= limit;) {
    const bytes = source.read(position, Math.min(chunk, end - position));
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
function nextLineStart(source: ByteSource, from: number, end: number, limit: number): number {
  if (from === 0) return 0;
  const rest = lineAt(source, from - 1, end, limit);
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
  return withSource(path, { starts: [], end: from }, (source) => {
    const end = lastNewline(source, source.size) + 1;
    if (end <= from) return { starts: [], end: Math.max(end, from) };
    const lastStart = end >= 2 ? lastNewline(source, end - 1) + 1 : 0;
    const starts = new Set<number>([from]);
    for (let k = 1; k < count - 1; k++) {
      const target = from + Math.floor(((end - from) * k) / (count - 1));
      if (target >= lastStart) break;
      const start = nextLineStart(source, target, end, maxLineBytes);
      if (start >= 0 && start < end) starts.add(start);
    }
    if (lastStart >= from) starts.add(lastStart);
    return { starts: [...starts].sort((a, b) => a - b), end };
  });
}

/** Reads and parses the lines starting at `starts` (lines longer than `maxLineBytes` or without an end are skipped). */
export function readLinesAt(
  path: string,
  starts: readonly number[],
  maxLineBytes = MAX_LINE_BYTES,
): SampledLine[] {
  return withSource(path, [], (source) => {
    const lines: SampledLine[] = [];
    for (const start of starts) {
      const bytes = lineAt(source, start, source.size, maxLineBytes);
      if (bytes && bytes.length > 0 && !isBlank(bytes)) lines.push({ start, line: parseLine(bytes) });
    }
    return lines;
  });
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
  return withSource(path, { lines: [], end: from }, (source) =>
    sampleLinesOf(source, from, count, maxLineBytes),
  );
}

/** {@link sampleLines} on an open ByteSource. */
export function sampleLinesOf(
  source: ByteSource,
  from: number,
  count: number,
  maxLineBytes = MAX_LINE_BYTES,
): { lines: SampledLine[]; end: number } {
  const end = lastNewline(source, source.size) + 1;
  if (end <= from) return { lines: [], end: Math.max(end, from) };
  const lines: SampledLine[] = [];
  const lastStart = Math.max(from, lastNewline(source, end - 1) + 1);
  let last = -1;
  for (let k = 0; k < count; k++) {
    const target =
      k === count - 1 ? lastStart : from + Math.floor(((end - from) * k) / Math.max(1, count - 1));
    const begin = Math.max(from, target - 1);
    const window = source.read(begin, Math.min(4 * FIRST_READ, end - begin));
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
      stop >= 0 ? window.subarray(start - begin, stop - begin) : lineAt(source, start, end, maxLineBytes);
    last = start;
    if (bytes && bytes.length > 0 && !isBlank(bytes)) lines.push({ start, line: parseLine(bytes) });
  }
  return { lines, end };
}

/**
 * The complete lines of a ByteSource within its final `maxBytes` (a line cut by the window's start is dropped), as
 * one buffer: callers find and parse only the lines they need.
 */
export function tailWindow(source: ByteSource, maxBytes: number): Buffer {
  const end = lastNewline(source, source.size) + 1;
  const start = Math.max(0, end - maxBytes);
  const window = source.read(start, end - start);
  if (start === 0) return window;
  const first = window.indexOf(0x0a) + 1;
  return first <= 0 ? window.subarray(0, 0) : window.subarray(first);
}

/**
 * The last complete lines of a file within its final `maxBytes` (for the tail of metrics.jsonl): parsed values in
 * file order. A line cut by the window's start is dropped.
 */
export function tailLines(path: string, maxBytes: number): unknown[] {
  return withSource(path, [], (source) =>
    tailWindow(source, maxBytes)
      .toString('utf8')
      .split('\n')
      .flatMap((text) => {
        if (text.trim() === '') return [];
        try {
          return [parseNumericJson(text)];
        } catch {
          // a damaged line in the tail: the caller looks for the last good record
          return [];
        }
      }),
  );
}
