/** Streaming reads of JSON-lines run files: every complete line from a byte offset on, in bounded 1 MB chunks. */
import { closeSync } from 'node:fs';
import { parseNumericJson } from './numericJson';
import { CHUNK_BYTES, MAX_LINE_BYTES, openRegular, readAt } from './runFiles';

/** What a line visitor receives: the parsed value, or the reason it could not be parsed. */
export type ParsedLine = { ok: true; value: unknown } | { ok: false; reason: string };

/** True when a line holds only spaces, tabs and carriage returns (exits at the first other byte: lines open with '{'). */
export function isBlank(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte !== 0x20 && byte !== 0x0d && byte !== 0x09) return false;
  return true;
}

export function parseLine(bytes: Buffer): ParsedLine {
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
