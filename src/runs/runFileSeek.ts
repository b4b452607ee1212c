/** Seeking reads of JSON-lines run files: line ends found from the end, evenly sampled lines, and tails. */
import { closeSync } from 'node:fs';
import { parseNumericJson } from './numericJson';
import { isBlank, parseLine, type ParsedLine } from './runFileLines';
import { CHUNK_BYTES, MAX_LINE_BYTES, openRegular, readAt } from './runFiles';

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
