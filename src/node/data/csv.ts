/**
 * Streams a CSV file (plain files by csvPlain.ts, others by csv-parse) into a RawTable: picks the target and feature columns, parses numbers, turns
 * categorical targets into class indices, and reports bad cells by file, line and column name. Messages never
 * quote the file's cells (a wrong path must not print another file's content into a run's failure).
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { parse } from 'csv-parse';
import type { CsvDataConfig } from '../../core/config/experimentConfig';
import { clip } from '../../core/config/limits';
import { closest } from '../../core/config/messages';
import { printable } from '../../core/printable';
import { isInside, realPathOf } from '../confinement';
import { DataError } from './dataError';
import type { LoadOptions } from './dataset';
import { plainCsvRecords } from './csvPlain';
import type { RawTable } from './table';

/**
 * Resolves a data path against the experiment's directory, follows symbolic links, and refuses a real path outside
 * the (real) workspace unless allowed. Returns the real path.
 */
export async function resolveDataPath(written: string, options: LoadOptions): Promise<string> {
  const path = resolve(options.baseDir, written);
  const real = await realPathOf(path);
  if (options.workspaceRoot && !options.allowOutsideWorkspace) {
    const root = await realPathOf(options.workspaceRoot);
    if (!isInside(root, real)) {
      const via = real === path ? '' : ` (through a symbolic link, to ${real})`;
      throw new DataError(
        `data.path "${written}" resolves to ${path}${via}, outside the workspace ${options.workspaceRoot}; ` +
          'allow it with the setting snnLab.allowDatasetsOutsideWorkspace',
        { file: path },
      );
    }
  }
  return real;
}

/** Resolves data.path (confined as resolveDataPath does); the CSV file itself is checked when it is opened. */
export function resolveCsvPath(config: CsvDataConfig, options: LoadOptions): Promise<string> {
  return resolveDataPath(config.path, options);
}

/** What a path that is not a regular file is, for the message refusing it. */
function kindOf(info: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  return 'a device or other special file';
}

/**
 * Opens a CSV file for reading, refusing anything but a regular file. O_NONBLOCK: opening a FIFO never waits for a
 * writer, and the check is on the opened file itself, so a path swapped in between cannot slip through.
 */
export async function openCsvFile(path: string, shown: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new DataError(`CSV file not found: ${path} (data.path "${shown}")`, { file: path });
    }
    if (code === 'EISDIR') {
      throw new DataError(`data.path "${shown}" is a directory, not a CSV file: ${path}`, { file: path });
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new DataError(`CSV file ${path} cannot be read: permission denied`, { file: path });
    }
    throw new DataError(`CSV file ${path} cannot be opened: ${(error as Error).message}`, { file: path });
  }
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw new DataError(`data.path "${shown}" is ${kindOf(info)}, not a CSV file: ${path}`, { file: path });
  }
  return handle;
}

/** A column as a message shows it: quoted, control characters escaped, at most 60 characters. */
function named(column: string): string {
  return `"${printable(clip(column))}"`;
}

function columnIndex(column: string | number, names: string[], file: string, role: string): number {
  if (typeof column === 'number') {
    const index = column < 0 ? names.length + column : column;
    if (index < 0 || index >= names.length) {
      throw new DataError(
        `${file}: ${role} column ${column} does not exist (the file has ${names.length} columns)`,
        { file },
      );
    }
    return index;
  }
  const index = names.indexOf(column);
  if (index < 0) {
    const hint = closest(column, names);
    throw new DataError(
      `${file}: ${role} column ${named(column)} is not in the header (${names.length} columns)` +
        `${hint !== undefined ? `; did you mean ${named(hint)}?` : ''}`,
      { file, column },
    );
  }
  return index;
}

/** A decimal number as CSV files write it; Number() alone would also read 0x10, 0b1, 0o7 and "Infinity". */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Largest float32 magnitude: a cell beyond it would become Infinity in the Float32Array the trainer reads. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** Parses one numeric cell; throws a DataError naming line and column (never quoting the cell). */
function parseCell(cell: string, file: string, line: number, column: string): number {
  const text = cell.trim();
  // The location is formatted only for a message: per cell it cost more than the parse (docs/performance.md).
  const fail = (what: string): never => {
    throw new DataError(`${file}:${line}: column ${named(column)} ${what}`, { file, line, column });
  };
  if (text === '') fail('is empty: fill or drop the row');
  if (!DECIMAL.test(text)) {
    if (/^[+-]?nan$/i.test(text)) fail('is NaN');
    if (/^[+-]?(inf|infinity)$/i.test(text)) fail('is infinite');
    if (/^[+-]?0[xXbBoO]/.test(text)) fail('is a hexadecimal, binary or octal number: write it in decimal');
    fail('is not a decimal number');
  }
  const value = Number(text);
  if (!Number.isFinite(value) || Math.abs(value) > FLOAT32_MAX) fail('overflows float32 (|x| > 3.4e38)');
  return value;
}

/** Feature columns: those listed (each once, not the target), else every column but the target; at least one. */
function featureColumns(
  config: CsvDataConfig,
  names: string[],
  roles: { target: number; fold: number },
  file: string,
): number[] {
  const wanted = config.features && config.features.length > 0 ? config.features : undefined;
  const columns = wanted
    ? wanted.map((column) => columnIndex(column, names, file, 'feature'))
    : names.map((_, j) => j).filter((j) => j !== roles.target && j !== roles.fold);
  const seen = new Set<number>();
  for (const j of columns) {
    const role = j === roles.target ? 'target' : j === roles.fold ? 'fold' : undefined;
    if (role !== undefined) {
      throw new DataError(
        `${file}: the ${role} column ${named(names[j] as string)} is also listed as a feature`,
        { file },
      );
    }
    if (seen.has(j)) {
      throw new DataError(
        `${file}: feature column ${named(names[j] as string)} is listed twice in data.features`,
        { file },
      );
    }
    seen.add(j);
  }
  if (columns.length === 0) {
    throw new DataError(`${file}: no feature columns: the file has only the target column`, { file });
  }
  return columns;
}

/** Column names from the header row: empty ones are named col<j>; a name used twice is an error. */
function headerNames(record: string[], header: boolean, file: string): string[] {
  if (!header) return record.map((_, j) => `col${j}`);
  const names = record.map((name, j) => name || `col${j}`);
  const first = new Map<string, number>();
  names.forEach((name, j) => {
    const earlier = first.get(name);
    if (earlier !== undefined) {
      throw new DataError(
        `${file}: the header names column ${named(name)} twice (columns ${earlier} and ${j})`,
        { file },
      );
    }
    first.set(name, j);
  });
  return names;
}

/** Orders class labels: numerically when all are numbers, otherwise alphabetically. */
function orderLabels(labels: Iterable<string>): string[] {
  const list = [...labels];
  const numeric = list.every((label) => label.trim() !== '' && Number.isFinite(Number(label)));
  return numeric ? list.sort((a, b) => Number(a) - Number(b)) : list.sort();
}

/** Turns records into a table: the header's columns, then one row per record (errors name file, line, column). */
class TableBuilder {
  private names: string[] | undefined;
  private featureCols: number[] = [];
  private targetCol = 0;
  private foldCol = -1;
  private readonly rows: number[][] = [];
  private readonly targets: string[] = [];
  private readonly foldIds: string[] = [];

  constructor(
    private readonly config: CsvDataConfig,
    private readonly file: string,
  ) {}

  add(record: string[], line: number): void {
    const { config, file } = this;
    let names = this.names;
    if (!names) {
      names = headerNames(record, config.header, file);
      this.names = names;
      this.targetCol = columnIndex(config.target, names, file, 'target');
      if (config.foldColumn !== undefined) this.foldCol = columnIndex(config.foldColumn, names, file, 'fold');
      if (this.foldCol >= 0 && this.foldCol === this.targetCol) {
        throw new DataError(
          `${file}: data.foldColumn and data.target name the same column ${named(names[this.foldCol] as string)}`,
          { file },
        );
      }
      this.featureCols = featureColumns(config, names, { target: this.targetCol, fold: this.foldCol }, file);
      if (config.header) return;
    }
    if (record.length !== names.length) {
      throw new DataError(`${file}:${line}: expected ${names.length} columns, found ${record.length}`, {
        file,
        line,
      });
    }
    const cols = this.featureCols;
    const row = new Array<number>(cols.length);
    for (let i = 0; i < cols.length; i++) {
      const j = cols[i] as number;
      row[i] = parseCell(record[j] as string, file, line, names[j] as string);
    }
    this.rows.push(row);
    const target = (record[this.targetCol] as string).trim();
    const targetName = names[this.targetCol] as string;
    if (target === '') {
      throw new DataError(`${file}:${line}: target column ${named(targetName)} is empty`, {
        file,
        line,
        column: targetName,
      });
    }
    this.targets.push(
      config.task === 'regression' ? String(parseCell(target, file, line, targetName)) : target,
    );
    if (this.foldCol >= 0) {
      const foldId = (record[this.foldCol] as string).trim();
      if (foldId === '') {
        const column = names[this.foldCol] as string;
        throw new DataError(`${file}:${line}: fold column ${named(column)} is empty`, { file, line, column });
      }
      this.foldIds.push(foldId);
    }
  }

  finish(): RawTable {
    const { names, rows, file } = this;
    if (!names || rows.length === 0) throw new DataError(`${file}: no data rows`, { file });
    const columns = { names, featureCols: this.featureCols, targetName: names[this.targetCol] as string };
    const table = toTable(rows, this.targets, columns, this.config, file);
    if (this.foldCol < 0) return table;
    const foldNames = orderLabels(new Set(this.foldIds));
    const position = new Map(foldNames.map((name, k) => [name, k]));
    table.folds = {
      names: foldNames,
      index: Int32Array.from(this.foldIds, (id) => position.get(id) as number),
    };
    table.notes.push(
      `${file}: ${foldNames.length} folds from column ${named(names[this.foldCol] as string)}`,
    );
    return table;
  }
}

/** The file's text in chunks of up to 64 KB, read at explicit positions (the handle stays readable from 0). */
async function* textChunks(handle: FileHandle): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.allocUnsafe(64 * 1024);
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    yield decoder.write(buffer.subarray(0, bytesRead));
  }
  yield decoder.end();
}

/** Feeds every record of the file to `builder` through csv-parse (any CSV: quotes, mixed line endings). */
async function parseRecords(handle: FileHandle, builder: TableBuilder, file: string): Promise<void> {
  const parser = handle
    .createReadStream({ start: 0 })
    .pipe(parse({ relax_column_count: true, skip_empty_lines: true, trim: true, info: true, bom: true }));
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      builder.add(record, info.lines);
    }
  } catch (error) {
    if (error instanceof DataError) throw error;
    // csv-parse's messages quote the offending field: report its code and line instead.
    const { code, lines } = error as { code?: unknown; lines?: unknown };
    const line = typeof lines === 'number' ? `:${lines}` : '';
    const what = typeof code === 'string' ? `malformed CSV (${code})` : 'cannot be read as CSV';
    throw new DataError(`${file}${line}: ${what}`, { file });
  } finally {
    parser.destroy();
  }
}

/**
 * Reads a CSV file into a RawTable (`path` as resolveCsvPath returns it): by the fast path for plain files
 * (csvPlain.ts), else, from the start again, by csv-parse.
 */
export async function readCsv(path: string, config: CsvDataConfig): Promise<RawTable> {
  const file = config.path;
  const handle = await openCsvFile(path, file);
  try {
    const plain = new TableBuilder(config, file);
    const read = await plainCsvRecords(textChunks(handle), (record, line) => plain.add(record, line));
    if (read) return plain.finish();
    const parsed = new TableBuilder(config, file);
    await parseRecords(handle, parsed, file);
    return parsed.finish();
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function toTable(
  rows: number[][],
  targets: string[],
  columns: { names: string[]; featureCols: number[]; targetName: string },
  config: CsvDataConfig,
  file: string,
): RawTable {
  const { names, featureCols, targetName } = columns;
  const d = featureCols.length;
  const x = new Float32Array(rows.length * d);
  rows.forEach((row, i) => x.set(row, i * d));
  const featureNames = featureCols.map((j) => names[j] as string);
  const notes = [`${file}: ${rows.length} rows, ${d} features`];
  if (config.task === 'regression') {
    return {
      x,
      y: Float32Array.from(targets, Number),
      n: rows.length,
      features: d,
      featureNames,
      task: 'regression',
      notes,
    };
  }
  const classNames = orderLabels(new Set(targets));
  if (classNames.length < 2) {
    throw new DataError(
      `${file}: target column ${named(targetName)} has only one class: nothing to classify`,
      { file },
    );
  }
  const index = new Map(classNames.map((name, k) => [name, k]));
  const y = Float32Array.from(targets, (t) => index.get(t) as number);
  return { x, y, n: rows.length, features: d, featureNames, classNames, task: 'classification', notes };
}
