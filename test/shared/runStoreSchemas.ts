/**
 * Validates run directories against the run-store JSON Schemas (schemas/run-store/, docs/run-store.md) with
 * ajv, file by file and line by line, so every test that writes runs can assert the contract. Shared by the
 * unit, trainer and python tiers.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parse as parseCsv } from 'csv-parse/sync';
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Repository root, found from this file's bundle location (out/test/<tier>/...) or the source tree. */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'schemas', 'run-store', 'meta.schema.json'))) return dir;
    dir = resolve(dir, '..');
  }
  throw new Error(`schemas/run-store not found above ${__dirname}`);
}

const SCHEMA_FILES = [
  'common',
  'meta',
  'config',
  'summary',
  'metrics-line',
  'layers-line',
  'frames-line',
  'predictions',
] as const;
const BASE = 'https://github.com/snn-lab/snn-lab/raw/main/schemas/';

interface Validators {
  meta: ValidateFunction;
  config: ValidateFunction;
  summary: ValidateFunction;
  metrics: ValidateFunction;
  layers: ValidateFunction;
  frames: ValidateFunction;
  predictionsHeader: ValidateFunction;
  predictionsRow: ValidateFunction;
}

let compiled: Validators | undefined;

/** The compiled validators (the experiment schema is added too: config.json refers to its definitions). */
export function runStoreValidators(): Validators {
  if (compiled) return compiled;
  const root = repoRoot();
  // strictTuples off: the predictions header is an open tuple (4 fixed columns, then score or prediction columns).
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    strictRequired: false,
    strictTuples: false,
    allowUnionTypes: true,
  });
  for (const keyword of ['x-applyDefault', 'allowComments', 'allowTrailingCommas']) {
    ajv.addKeyword({ keyword, schemaType: 'boolean' });
  }
  // The editors' completion snippets in the experiment schema (VS Code's keyword, no validation meaning).
  ajv.addKeyword({ keyword: 'defaultSnippets', schemaType: 'array' });
  ajv.addSchema(JSON.parse(readFileSync(join(root, 'schemas', 'experiment.schema.json'), 'utf8')) as object);
  for (const name of SCHEMA_FILES) {
    ajv.addSchema(
      JSON.parse(readFileSync(join(root, 'schemas', 'run-store', `${name}.schema.json`), 'utf8')) as object,
    );
  }
  const get = (ref: string): ValidateFunction => {
    const validate = ajv.getSchema(`${BASE}run-store/${ref}`);
    if (!validate) throw new Error(`schema ${ref} missing`);
    return validate;
  };
  compiled = {
    meta: get('meta.schema.json'),
    config: get('config.schema.json'),
    summary: get('summary.schema.json'),
    metrics: get('metrics-line.schema.json'),
    layers: get('layers-line.schema.json'),
    frames: get('frames-line.schema.json'),
    predictionsHeader: get('predictions.schema.json#/definitions/header'),
    predictionsRow: get('predictions.schema.json#/definitions/row'),
  };
  return compiled;
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map(
      (e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
    )
    .join('; ');
}

function check(validate: ValidateFunction, value: unknown, where: string, problems: string[]): void {
  if (!validate(value)) problems.push(`${where}: ${describeErrors(validate.errors)}`);
}

/**
 * The text of a run file, or undefined (with a problem) when it is not a regular file: opening a FIFO a test put
 * in place of a run file would block this process for good (the run store refuses such files the same way).
 */
function readRegular(path: string, problems: string[]): string | undefined {
  const stats = lstatSync(path);
  if (stats.isFile()) return readFileSync(path, 'utf8');
  const kind = stats.isFIFO() ? 'a FIFO' : stats.isSymbolicLink() ? 'a symbolic link' : 'not a file';
  problems.push(`${path}: not a regular file (${kind})`);
  return undefined;
}

function readJson(path: string, where: string, problems: string[]): unknown {
  try {
    const text = readRegular(path, problems);
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  } catch (error) {
    problems.push(`${where}: not JSON (${(error as Error).message})`);
    return undefined;
  }
}

interface JsonlRecord {
  /** "path:line" */
  where: string;
  value: unknown;
}

/**
 * Checks one jsonl file: a header first (naming `file`), records after it; a final partial line is skipped. Returns
 * how many lines were checked and the records (the header left out).
 */
function checkJsonl(
  path: string,
  file: 'metrics' | 'layers' | 'frames',
  validate: ValidateFunction,
  version: unknown,
  problems: string[],
): { lines: number; records: JsonlRecord[] } {
  const text = readRegular(path, problems);
  if (text === undefined) return { lines: 0, records: [] };
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const lines = complete.split('\n').filter((line) => line !== '');
  const records: JsonlRecord[] = [];
  lines.forEach((line, index) => {
    const where = `${path}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line) as unknown;
    } catch {
      problems.push(`${where}: not JSON`);
      return;
    }
    check(validate, value, where, problems);
    const isHeader = typeof value === 'object' && value !== null && 'file' in value;
    if (index === 0 && !isHeader) problems.push(`${where}: the first line must be the header`);
    if (index === 0 && isHeader) {
      const header = value as { file: unknown; schemaVersion: unknown };
      if (header.file !== file) problems.push(`${where}: header names ${String(header.file)}`);
      if (header.schemaVersion !== version) {
        problems.push(`${where}: header version ${String(header.schemaVersion)} != meta ${String(version)}`);
      }
    }
    if (index > 0 && isHeader) problems.push(`${where}: a header after the first line`);
    if (index > 0 && !isHeader) records.push({ where, value });
  });
  return { lines: lines.length, records };
}

/** Every column path of a frames.jsonl record: one entry per layer each. */
const FRAME_COLUMNS = [
  ...['pre', 'post', 'linear'].flatMap((part) =>
    ['mean', 'variance', 'min', 'max', 'percentiles'].map((key) => [part, key]),
  ),
  ['saturated'],
  ['dead'],
  ['gradNorm'],
  ['updateRatio'],
  ...['mean', 'variance', 'omegaMean', 'omegaStd', 'tauMean', 'tauStd'].map((key) => ['weights', key]),
];

function stepOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (value as { step?: unknown }).step : undefined;
}

/**
 * What the schema cannot say about frames.jsonl: each column has one entry per layer (`units`), and the frames are
 * layers.jsonl's reports, in order (one frame per report; a frame whose write failed may be missing).
 */
function checkFrames(frames: JsonlRecord[], layers: JsonlRecord[], problems: string[]): void {
  const steps = layers.map((r) => stepOf(r.value));
  let next = 0;
  for (const { where, value } of frames) {
    const units =
      typeof value === 'object' && value !== null ? (value as { units?: unknown }).units : undefined;
    if (!Array.isArray(units)) continue; // the schema check named it
    for (const path of FRAME_COLUMNS) {
      let column: unknown = value;
      for (const key of path) column = (column as Record<string, unknown> | undefined)?.[key];
      if (Array.isArray(column) && column.length !== units.length) {
        problems.push(`${where}: ${path.join('.')} has ${column.length} entries for ${units.length} layers`);
      }
    }
    const found = steps.indexOf(stepOf(value), next);
    if (found < 0) {
      problems.push(`${where}: step ${String(stepOf(value))} is not a later layers.jsonl report`);
    } else {
      next = found + 1;
    }
  }
}

function checkPredictions(path: string, validators: Validators, problems: string[]): void {
  const text = readRegular(path, problems);
  if (text === undefined) return;
  const rows = parseCsv(text, { relax_column_count: false }) as string[][];
  const header = rows[0] ?? [];
  check(validators.predictionsHeader, header, `${path}:1`, problems);
  rows.slice(1).forEach((cells, index) => {
    const row: Record<string, unknown> = {};
    header.forEach((name, column) => {
      const cell = cells[column] ?? '';
      row[name] =
        cell === '' ? null : name === 'split' ? cell : Number.isNaN(Number(cell)) ? cell : Number(cell);
    });
    check(validators.predictionsRow, row, `${path}:${index + 2}`, problems);
  });
}

export interface RunDirReport {
  /** Every file and line that does not satisfy its schema, as "path[:line]: what". */
  problems: string[];
  /** Lines checked in metrics.jsonl + layers.jsonl (+ frames.jsonl when there is one; headers included). */
  lines: number;
}

/** Validates every file of one run directory against its schema. */
export function validateRunDir(dir: string): RunDirReport {
  const validators = runStoreValidators();
  const problems: string[] = [];
  const meta = readJson(join(dir, 'meta.json'), join(dir, 'meta.json'), problems) as
    { schemaVersion?: unknown } | undefined;
  if (meta === undefined) return { problems, lines: 0 };
  check(validators.meta, meta, join(dir, 'meta.json'), problems);
  const version = meta.schemaVersion;
  const config = readJson(join(dir, 'config.json'), join(dir, 'config.json'), problems) as
    { schemaVersion?: unknown } | undefined;
  if (config !== undefined) {
    check(validators.config, config, join(dir, 'config.json'), problems);
    if (config.schemaVersion !== version) problems.push(`${dir}/config.json: version differs from meta.json`);
  }
  const summaryPath = join(dir, 'summary.json');
  if (existsSync(summaryPath)) {
    const summary = readJson(summaryPath, summaryPath, problems);
    if (summary !== undefined) check(validators.summary, summary, summaryPath, problems);
  }
  let lines = 0;
  const records: Record<'metrics' | 'layers', JsonlRecord[]> = { metrics: [], layers: [] };
  for (const file of ['metrics', 'layers'] as const) {
    const path = join(dir, `${file}.jsonl`);
    if (!existsSync(path)) problems.push(`${path}: missing`);
    else {
      const checked = checkJsonl(path, file, validators[file], version, problems);
      records[file] = checked.records;
      lines += checked.lines;
    }
  }
  // frames.jsonl is derived and optional (other writers leave it out); when present, every line is checked.
  const framesPath = join(dir, 'frames.jsonl');
  if (existsSync(framesPath)) {
    const frames = checkJsonl(framesPath, 'frames', validators.frames, version, problems);
    checkFrames(frames.records, records.layers, problems);
    lines += frames.lines;
  }
  const predictions = join(dir, 'predictions.csv');
  if (existsSync(predictions)) checkPredictions(predictions, validators, problems);
  return { problems, lines };
}

/** Validates every run directory (a folder holding meta.json) found under `root`, at any depth. */
export function validateRunsUnder(root: string): { runs: string[]; problems: string[] } {
  const runs: string[] = [];
  const problems: string[] = [];
  const visit = (dir: string): void => {
    if (existsSync(join(dir, 'meta.json'))) {
      runs.push(dir);
      problems.push(...validateRunDir(dir).problems);
      return;
    }
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) visit(join(dir, entry.name));
    }
  };
  if (existsSync(root)) visit(root);
  return { runs, problems };
}

/**
 * The check a test file ends with: every run directory under `roots` (minus `except`, runs a test corrupted on
 * purpose) satisfies the schemas; returns how many were checked so the caller can assert it was not none.
 */
export function schemaProblemsUnder(
  roots: readonly string[],
  except: ReadonlySet<string> = new Set(),
): {
  runs: number;
  problems: string[];
} {
  let runs = 0;
  const problems: string[] = [];
  for (const root of roots) {
    const found = validateRunsUnder(root);
    const kept = found.runs.filter((dir) => !except.has(dir));
    runs += kept.length;
    problems.push(...found.problems.filter((p) => ![...except].some((dir) => p.startsWith(dir))));
  }
  return { runs, problems };
}
