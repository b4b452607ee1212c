/**
 * Streams a CSV file (csv-parse) into a RawTable: picks the target and feature columns, parses numbers, turns
 * categorical targets into class indices, and reports bad cells by file, line and column name.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { parse } from 'csv-parse';
import type { CsvDataConfig } from '../../core/config/experimentConfig';
import { closest } from '../../core/config/messages';
import { DataError } from './dataError';
import type { LoadOptions } from './dataset';
import type { RawTable } from './table';

/** Resolves a data path against the experiment's directory; refuses one outside the workspace (unless allowed). */
export function resolveDataPath(written: string, options: LoadOptions): string {
  const path = resolve(options.baseDir, written);
  if (options.workspaceRoot && !options.allowOutsideWorkspace) {
    const inside = relative(resolve(options.workspaceRoot), path);
    if (inside.startsWith('..') || isAbsolute(inside)) {
      throw new DataError(
        `data.path "${written}" resolves to ${path}, outside the workspace ${options.workspaceRoot}`,
        { file: path },
      );
    }
  }
  return path;
}

/** Resolves data.path against the experiment's directory and refuses paths outside the workspace. */
export async function resolveCsvPath(config: CsvDataConfig, options: LoadOptions): Promise<string> {
  const path = resolveDataPath(config.path, options);
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new DataError(`CSV file not found: ${path} (data.path "${config.path}")`, { file: path });
  if (!info.isFile()) throw new DataError(`data.path is not a file: ${path}`, { file: path });
  return path;
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
      `${file}: ${role} column "${column}" not found in the header${hint ? `; did you mean "${hint}"?` : ''} (columns: ${names.join(', ')})`,
      { file, column },
    );
  }
  return index;
}

/** Parses one feature cell; throws a DataError naming line and column for anything but a finite number. */
function parseCell(cell: string, file: string, line: number, column: string): number {
  const text = cell.trim();
  const where = `${file}:${line}: column "${column}"`;
  if (text === '') throw new DataError(`${where} is empty: fill or drop the row`, { file, line, column });
  const value = Number(text);
  if (Number.isNaN(value)) {
    const what = /^nan$/i.test(text) ? 'is NaN' : `is not a number: "${text}"`;
    throw new DataError(`${where} ${what}`, { file, line, column });
  }
  if (!Number.isFinite(value)) {
    throw new DataError(`${where} is not finite: "${text}"`, { file, line, column });
  }
  return value;
}

/** Orders class labels: numerically when all are numbers, otherwise alphabetically. */
function orderLabels(labels: Iterable<string>): string[] {
  const list = [...labels];
  const numeric = list.every((label) => label.trim() !== '' && Number.isFinite(Number(label)));
  return numeric ? list.sort((a, b) => Number(a) - Number(b)) : list.sort();
}

/** Reads a CSV file into a RawTable. */
export async function readCsv(path: string, config: CsvDataConfig): Promise<RawTable> {
  const file = config.path;
  const parser = createReadStream(path).pipe(
    parse({ relax_column_count: true, skip_empty_lines: true, trim: true, info: true, bom: true }),
  );
  let names: string[] | undefined;
  let featureCols: number[] = [];
  let targetCol = 0;
  let foldCol = -1;
  const rows: number[][] = [];
  const targets: string[] = [];
  const foldIds: string[] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const line = info.lines;
      if (!names) {
        names = config.header ? record.map((name, j) => name || `col${j}`) : record.map((_, j) => `col${j}`);
        targetCol = columnIndex(config.target, names, file, 'target');
        if (config.foldColumn !== undefined) foldCol = columnIndex(config.foldColumn, names, file, 'fold');
        const wanted = config.features && config.features.length > 0 ? config.features : undefined;
        featureCols = wanted
          ? wanted.map((column) => columnIndex(column, names as string[], file, 'feature'))
          : names.map((_, j) => j).filter((j) => j !== targetCol && j !== foldCol);
        for (const [col, role] of [
          [targetCol, 'target'],
          [foldCol, 'fold'],
        ] as const) {
          if (featureCols.includes(col)) {
            throw new DataError(`${file}: the ${role} column "${names[col]}" is also listed as a feature`, {
              file,
            });
          }
        }
        if (foldCol === targetCol) {
          throw new DataError(
            `${file}: data.foldColumn and data.target name the same column "${names[foldCol]}"`,
            {
              file,
            },
          );
        }
        if (config.header) continue;
      }
      if (record.length !== names.length) {
        throw new DataError(`${file}:${line}: expected ${names.length} columns, found ${record.length}`, {
          file,
          line,
        });
      }
      rows.push(
        featureCols.map((j) => parseCell(record[j] as string, file, line, (names as string[])[j] as string)),
      );
      const target = (record[targetCol] as string).trim();
      const targetName = names[targetCol] as string;
      if (target === '') {
        throw new DataError(`${file}:${line}: target column "${targetName}" is empty`, {
          file,
          line,
          column: targetName,
        });
      }
      targets.push(config.task === 'regression' ? String(parseCell(target, file, line, targetName)) : target);
      if (foldCol >= 0) {
        const foldId = (record[foldCol] as string).trim();
        if (foldId === '') {
          const column = names[foldCol] as string;
          throw new DataError(`${file}:${line}: fold column "${column}" is empty`, { file, line, column });
        }
        foldIds.push(foldId);
      }
    }
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`${file}: ${error instanceof Error ? error.message : String(error)}`, { file });
  }
  if (!names || rows.length === 0) throw new DataError(`${file}: no data rows`, { file });
  const table = toTable(
    rows,
    targets,
    { names, featureCols, targetName: names[targetCol] as string },
    config,
    file,
  );
  if (foldCol < 0) return table;
  const foldNames = orderLabels(new Set(foldIds));
  const position = new Map(foldNames.map((name, k) => [name, k]));
  table.folds = { names: foldNames, index: Int32Array.from(foldIds, (id) => position.get(id) as number) };
  table.notes.push(
    `${file}: ${foldNames.length} folds from column "${names[foldCol]}" (${foldNames.join(', ')})`,
  );
  return table;
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
      `${file}: target column "${targetName}" has only one class ("${classNames[0]}"): nothing to classify`,
      { file },
    );
  }
  const index = new Map(classNames.map((name, k) => [name, k]));
  const y = Float32Array.from(targets, (t) => index.get(t) as number);
  return { x, y, n: rows.length, features: d, featureNames, classNames, task: 'classification', notes };
}
