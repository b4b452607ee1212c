/**
 * Low-level run-directory I/O: atomic JSON replacement (temp file + rename), flushed JSON-lines appends, and
 * JSON-lines readers that tolerate a truncated last line and can tail a file from a byte offset.
 */
import {
  appendFileSync,
  closeSync,
  existsSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';

/** JSON has no NaN or Infinity: numeric files store them as the strings "NaN", "Infinity", "-Infinity". */
export function encodeNonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/** Reviver undoing encodeNonFinite (only for files whose strings are never these words: jsonl, summary). */
export function decodeNonFinite(_key: string, value: unknown): unknown {
  return value === 'NaN' || value === 'Infinity' || value === '-Infinity' ? Number(value) : value;
}

/**
 * Writes `value` as pretty JSON to a temp file beside `path`, then renames it over `path` (atomic on POSIX:
 * a reader sees the old or the new file, never a half-written one). `numeric` applies encodeNonFinite.
 */
export function writeJsonAtomic(path: string, value: unknown, numeric = false): void {
  const temp = `${path}.tmp-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
  writeFileSync(temp, `${JSON.stringify(value, numeric ? encodeNonFinite : undefined, 2)}\n`);
  renameSync(temp, path);
}

/** Appends one JSON line; appendFileSync hands it to the OS before returning, so other processes can tail it. */
export function appendJsonLine(path: string, value: unknown): number {
  const line = `${JSON.stringify(value, encodeNonFinite)}\n`;
  appendFileSync(path, line);
  return Buffer.byteLength(line);
}

export interface JsonLines {
  /** Parsed complete lines, in order. */
  values: unknown[];
  /** Byte offset just after the last complete line (where the next tail starts). */
  offset: number;
  /** 1-based line numbers (counted from the read start) that were not valid JSON. */
  badLines: number[];
  /** True when the file ended in a partial line (a writer mid-append, or a crash mid-write). */
  truncated: boolean;
}

/**
 * Reads the complete lines of a JSON-lines file from byte `offset` on. A final line without '\n' is left
 * for the next read (it may still be being written); an unparsable complete line is reported, not thrown.
 */
export function readJsonLines(path: string, offset = 0): JsonLines {
  if (!existsSync(path)) return { values: [], offset, badLines: [], truncated: false };
  const size = statSync(path).size;
  if (size <= offset) {
    return { values: [], offset: size < offset ? 0 : offset, badLines: [], truncated: false };
  }
  const buffer = Buffer.alloc(size - offset);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, offset);
  } finally {
    closeSync(fd);
  }
  const end = buffer.lastIndexOf(0x0a);
  const complete = end < 0 ? '' : buffer.subarray(0, end).toString('utf8');
  const values: unknown[] = [];
  const badLines: number[] = [];
  if (end >= 0) {
    complete.split('\n').forEach((line, index) => {
      if (line.trim() === '') return;
      try {
        values.push(JSON.parse(line, decodeNonFinite));
      } catch {
        badLines.push(index + 1);
      }
    });
  }
  return { values, offset: offset + end + 1, badLines, truncated: end + 1 < buffer.length };
}

/** Byte length of the complete lines of a file (up to and including its last '\n'), reading from the end. */
export function completeLength(path: string): number {
  if (!existsSync(path)) return 0;
  const size = statSync(path).size;
  const chunk = Buffer.alloc(Math.min(size, 65536));
  const fd = openSync(path, 'r');
  try {
    for (let end = size; end > 0; end -= chunk.length) {
      const start = Math.max(0, end - chunk.length);
      readSync(fd, chunk, 0, end - start, start);
      const index = chunk.subarray(0, end - start).lastIndexOf(0x0a);
      if (index >= 0) return start + index + 1;
    }
    return 0;
  } finally {
    closeSync(fd);
  }
}
