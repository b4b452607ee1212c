/**
 * Versioned on-disk shapes of a run directory (docs/run-store.md) and their migrations: every reader goes
 * through these functions, which upgrade older versions or reject unknown ones with a message saying why.
 */
import type { RunConfig, RunPlan } from '../core/config/experimentConfig';
import { isRunStatus } from '../core/runStatus';
import type { ModelDescription, RunSummary } from '../protocol/stats';
import { RUN_SCHEMA_VERSION, type RunMeta } from './runTypes';

/** The files of a run directory. */
export const RUN_FILES = {
  config: 'config.json',
  meta: 'meta.json',
  metrics: 'metrics.jsonl',
  layers: 'layers.jsonl',
  /** The statistics of layers.jsonl without histograms, in the dashboard's column-wise form (derived, optional). */
  frames: 'frames.jsonl',
  summary: 'summary.json',
  log: 'trainer.log',
} as const;

/**
 * config.json: the resolved RunConfig plus where it came from in the experiment's expanded plan list; runs from
 * other sources (version 2) carry a model description and the script's hyperparameters instead of `config`.
 */
export interface RunConfigFile {
  schemaVersion: number;
  plan: Omit<RunPlan, 'config'>;
  config?: RunConfig;
  model?: ModelDescription;
  hyperparameters?: Record<string, unknown>;
}

/** summary.json: RunSummary with a version. */
export type RunSummaryFile = RunSummary & { schemaVersion: number };

/** The series files a run records (frames.jsonl is derived from layers.jsonl). */
export type SeriesFile = 'metrics' | 'layers';

/** First line of metrics.jsonl, layers.jsonl and frames.jsonl. */
export interface JsonlHeader {
  schemaVersion: number;
  file: SeriesFile | 'frames';
}

/** Thrown when a run file is from an unknown schema version or is not a run file at all. */
export class RunSchemaError extends Error {
  override readonly name = 'RunSchemaError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the schemaVersion of any run file; `what` names the file in the message. */
export function checkSchemaVersion(value: unknown, what: string): Record<string, unknown> {
  if (!isRecord(value)) throw new RunSchemaError(`${what}: expected a JSON object`);
  const version = value.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new RunSchemaError(
      `${what}: missing or invalid schemaVersion (${JSON.stringify(version)}); not an SNN Lab run file`,
    );
  }
  if (version > RUN_SCHEMA_VERSION) {
    throw new RunSchemaError(
      `${what}: schemaVersion ${version} is newer than this SNN Lab understands (${RUN_SCHEMA_VERSION}); update SNN Lab to read it`,
    );
  }
  return value;
}

/** Upgrades a parsed meta.json to the current RunMeta, or throws RunSchemaError naming what is wrong. */
export function migrateRunMeta(value: unknown, what: string = RUN_FILES.meta): RunMeta {
  const record = checkSchemaVersion(value, what);
  for (const key of ['runId', 'name', 'experiment', 'createdAt'] as const) {
    if (typeof record[key] !== 'string') throw new RunSchemaError(`${what}: field "${key}" must be a string`);
  }
  if (!isRunStatus(record.status)) {
    throw new RunSchemaError(`${what}: unknown status ${JSON.stringify(record.status)}`);
  }
  if (record.mode !== 'train' && record.mode !== 'probe') {
    throw new RunSchemaError(`${what}: unknown mode ${JSON.stringify(record.mode)}`);
  }
  if (typeof record.seed !== 'number') throw new RunSchemaError(`${what}: field "seed" must be a number`);
  checkSource(record.source, what);
  if (record.warnings !== undefined && !isWarningList(record.warnings)) {
    throw new RunSchemaError(`${what}: field "warnings" must be a list of { code, message }`);
  }
  // Version 1 files are version 2 files without the fields version 2 added: nothing to upgrade.
  return {
    ...record,
    sweepPoint: isRecord(record.sweepPoint) ? record.sweepPoint : {},
  } as unknown as RunMeta;
}

/** meta.json `source` (version 2): { kind, versions: { name: version }, device }. */
function checkSource(source: unknown, what: string): void {
  if (source === undefined) return;
  const ok =
    isRecord(source) &&
    source.kind === 'pytorch' &&
    typeof source.device === 'string' &&
    isRecord(source.versions) &&
    Object.values(source.versions).every((v) => typeof v === 'string');
  if (!ok) {
    throw new RunSchemaError(
      `${what}: field "source" must be { kind: "pytorch", versions: { name: "version" }, device: "..." }`,
    );
  }
}

function isWarningList(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every((w) => isRecord(w) && typeof w.code === 'string' && typeof w.message === 'string')
  );
}

/** Upgrades a parsed config.json (an SNN Lab `config`, or another source's `model`), or throws RunSchemaError. */
export function migrateRunConfigFile(value: unknown, what: string = RUN_FILES.config): RunConfigFile {
  const record = checkSchemaVersion(value, what);
  if (!isRecord(record.plan)) throw new RunSchemaError(`${what}: field "plan" must be an object`);
  if (record.config === undefined && isRecord(record.model)) {
    if (!Array.isArray(record.model.layers)) {
      throw new RunSchemaError(`${what}: field "model.layers" must be a list`);
    }
    if (record.hyperparameters !== undefined && !isRecord(record.hyperparameters)) {
      throw new RunSchemaError(`${what}: field "hyperparameters" must be an object`);
    }
    return record as unknown as RunConfigFile;
  }
  if (!isRecord(record.config)) {
    throw new RunSchemaError(`${what}: field "config" (or, for other sources, "model") must be an object`);
  }
  return record as unknown as RunConfigFile;
}

/** Upgrades a parsed summary.json, or throws RunSchemaError. */
export function migrateRunSummary(value: unknown, what: string = RUN_FILES.summary): RunSummary {
  const { schemaVersion: _version, ...summary } = checkSchemaVersion(value, what);
  return summary as unknown as RunSummary;
}

/** Checks the header line of a jsonl file; returns the version. */
export function checkJsonlHeader(value: unknown, file: JsonlHeader['file'], what: string): number {
  const record = checkSchemaVersion(value, what);
  if (record.file !== file) {
    throw new RunSchemaError(`${what}: header names file ${JSON.stringify(record.file)}, expected "${file}"`);
  }
  return record.schemaVersion as number;
}
