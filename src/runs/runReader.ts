/**
 * Reads run directories from disk through the versioned parsers of runSchema.ts and the record checks of
 * runRecords.ts. The directory name is a run's identity. meta.json files are cached by inode, mtime and size, so
 * listing many runs often costs a stat per run; summaries read only meta, summary and a few metrics lines; series
 * files are streamed or sampled by `series` (runSeries.ts). A run that cannot be read is listed with its reason.
 */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../core/config/experimentConfig';
import { asRunId, isRunId, type RunId } from '../protocol/ids';
import type { RunSummary } from '../protocol/stats';
import type { Logger } from './logger';
import { readJsonFile } from './runFiles';
import { cloneMeta, sanitizeMeta, sanitizeSummary } from './runRecords';
import {
  RUN_FILES,
  RunSchemaError,
  migrateRunConfigFile,
  migrateRunMeta,
  migrateRunSummary,
  type SeriesFile,
} from './runSchema';
import { RunSeriesReader } from './runSeries';
import type {
  LayerStatsRecord,
  MetricRecord,
  RunData,
  RunMeta,
  RunOverview,
  RunSetup,
  UnreadableRun,
} from './runTypes';
import { DISK_FULL_MARKER } from './runWriter';

/** Identity of a file version: rename-replaced files get a new inode, appended ones a new size. */
export function fileStamp(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
  } catch {
    return undefined;
  }
}

/** A run directory without meta.json younger than this is being created, not broken. */
const CREATING_MS = 60_000;

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class RunReader {
  private readonly metas = new Map<RunId, { stamp: string; meta: RunMeta }>();
  private readonly problems = new Map<RunId, { stamp: string; reason: string }>();
  /** meta.json contents the store decided but could not write (e.g. recovery on a full disk), by stamp. */
  private readonly overrides = new Map<RunId, { stamp: string; meta: RunMeta }>();
  private readonly warned = new Set<string>();
  /** The series files (metrics, layers, frames) of the same runs. */
  readonly series = new RunSeriesReader(this);

  constructor(
    readonly root: string,
    private readonly logger: Logger,
  ) {}

  runDir(runId: RunId): string {
    return join(this.root, runId);
  }

  /** Run ids (directory names matching the run-id pattern; links are not followed) under root, sorted. */
  runIds(): RunId[] {
    try {
      return readdirSync(this.root, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && isRunId(entry.name))
        .map((entry) => asRunId(entry.name))
        .sort();
    } catch {
      return [];
    }
  }

  /** meta.json of a run (a private copy), or undefined when missing or unreadable (see problem()). */
  readMeta(runId: RunId): RunMeta | undefined {
    const path = join(this.runDir(runId), RUN_FILES.meta);
    const stamp = fileStamp(path);
    if (stamp === undefined) {
      this.metas.delete(runId);
      return undefined;
    }
    const override = this.overrides.get(runId);
    if (override?.stamp === stamp) return cloneMeta(override.meta);
    const cached = this.metas.get(runId);
    if (cached?.stamp === stamp) return cloneMeta(cached.meta);
    if (this.problems.get(runId)?.stamp === stamp) return undefined;
    try {
      const what = `${runId}/${RUN_FILES.meta}`;
      const meta = sanitizeMeta(migrateRunMeta(readJsonFile(path), what));
      if (meta.runId !== runId) {
        this.warnOnce(
          `${what} names run ${JSON.stringify(String(meta.runId).slice(0, 130))}; its directory name is its id`,
        );
        meta.runId = runId;
      }
      this.metas.set(runId, { stamp, meta });
      this.problems.delete(runId);
      return cloneMeta(meta);
    } catch (error) {
      this.metas.delete(runId);
      this.problems.set(runId, { stamp, reason: message(error) });
      this.warnOnce(`run ${runId}: skipped: ${message(error)}`);
      return undefined;
    }
  }

  /** Why a run directory cannot be listed, or undefined when it can (or is still being created). */
  problem(runId: RunId): string | undefined {
    const path = join(this.runDir(runId), RUN_FILES.meta);
    const known = this.problems.get(runId);
    if (known) return known.reason;
    if (fileStamp(path) !== undefined) return undefined;
    try {
      const age = Date.now() - lstatSync(this.runDir(runId)).mtimeMs;
      return age > CREATING_MS ? `no ${RUN_FILES.meta}` : undefined;
    } catch {
      return undefined;
    }
  }

  /** Remembers meta the store decided for a run but could not write (shown until meta.json changes). */
  override(runId: RunId, meta: RunMeta): void {
    const stamp = fileStamp(join(this.runDir(runId), RUN_FILES.meta));
    if (stamp !== undefined) this.overrides.set(runId, { stamp, meta: cloneMeta(meta) });
  }

  /** Every run's meta, oldest first, and the run directories that cannot be read with the reason. */
  list(readMeta: (runId: RunId) => RunMeta | undefined): { runs: RunMeta[]; unreadable: UnreadableRun[] } {
    const runs: RunMeta[] = [];
    const unreadable: UnreadableRun[] = [];
    for (const runId of this.runIds()) {
      const meta = readMeta(runId);
      if (meta) runs.push(meta);
      else {
        const reason = this.problem(runId);
        if (reason !== undefined) unreadable.push({ runId, dir: this.runDir(runId), reason });
      }
    }
    runs.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.runId.localeCompare(b.runId));
    return { runs, unreadable };
  }

  /**
   * config.json's setup: SNN Lab's RunConfig, or for runs from other sources the model description and the script's
   * hyperparameters (throws RunSchemaError/RunFileError naming the file when it is neither).
   */
  readSetup(runId: RunId): RunSetup {
    const what = `${runId}/${RUN_FILES.config}`;
    const file = migrateRunConfigFile(readJsonFile(join(this.runDir(runId), RUN_FILES.config)), what);
    return {
      ...(file.config ? { config: file.config } : {}),
      ...(file.model ? { model: file.model } : {}),
      ...(file.hyperparameters ? { hyperparameters: file.hyperparameters } : {}),
    };
  }

  /** config.json's RunConfig (throws naming the file when it is none, e.g. for a run from another source). */
  readConfig(runId: RunId): RunConfig {
    const { config } = this.readSetup(runId);
    if (!config) {
      throw new RunSchemaError(
        `${runId}/${RUN_FILES.config}: a run from another source (a model description, no config)`,
      );
    }
    return config;
  }

  /** summary.json, or undefined when the run has none (or it is unreadable: warned once). */
  readSummary(runId: RunId): RunSummary | undefined {
    const what = `${runId}/${RUN_FILES.summary}`;
    try {
      const value = readJsonFile(join(this.runDir(runId), RUN_FILES.summary), true);
      if (value === undefined) return undefined;
      const summary = sanitizeSummary(migrateRunSummary(value, what) as unknown as Record<string, unknown>);
      if (!summary) throw new Error('steps, epochs or durationMs missing');
      return summary;
    } catch (error) {
      this.warnOnce(`${what}: ignored: ${message(error)}`);
      return undefined;
    }
  }

  /** True when a writer left the disk-full marker in the run directory. */
  diskFullMarker(runId: RunId): boolean {
    try {
      return lstatSync(join(this.runDir(runId), DISK_FULL_MARKER)).isFile();
    } catch {
      return false;
    }
  }

  /**
   * What the sidebar, the Runs tree and the CLI tables show: meta, summary, the latest epoch metrics and ~56 loss
   * values evenly over the run (RunSeriesReader.recentMetrics). Never reads layers.jsonl.
   */
  readOverview(runId: RunId, meta: RunMeta): RunOverview {
    const summary = this.readSummary(runId);
    const { lastEpoch, losses } = this.series.recentMetrics(runId);
    return { meta, ...(summary ? { summary } : {}), ...(lastEpoch ? { lastEpoch } : {}), losses };
  }

  /** Everything stored for a run, given its meta (streamed; records checked), or why it cannot be read. */
  loadData(runId: RunId, meta: RunMeta): { ok: true; data: RunData } | { ok: false; reason: string } {
    try {
      const setup = this.readSetup(runId);
      const summary = this.readSummary(runId);
      const metrics: MetricRecord[] = [];
      const layers: LayerStatsRecord[] = [];
      this.series.readRecords(runId, 'metrics', (r) => metrics.push(r));
      this.series.readRecords(runId, 'layers', (r) => layers.push(r));
      return { ok: true, data: { meta, ...setup, metrics, layers, ...(summary ? { summary } : {}) } };
    } catch (error) {
      this.warnOnce(`run ${runId}: unreadable: ${message(error)}`);
      return { ok: false, reason: message(error) };
    }
  }

  /** Everything stored for a run, or undefined (and a warning) when a file is unreadable. */
  readData(runId: RunId, meta: RunMeta): RunData | undefined {
    const result = this.loadData(runId, meta);
    return result.ok ? result.data : undefined;
  }

  /** Records of metrics.jsonl or layers.jsonl after the checked header (unchecked values; small files only). */
  readJsonl(runId: RunId, file: SeriesFile): unknown[] {
    const values: unknown[] = [];
    this.series.readRecords(runId, file, (record) => values.push(record));
    return values;
  }

  forget(runId: RunId): void {
    this.metas.delete(runId);
    this.problems.delete(runId);
    this.overrides.delete(runId);
  }

  /** Logs a warning once per distinct message (polled, unreadable runs would otherwise log every second). */
  warnOnce(text: string): void {
    if (this.warned.has(text)) return;
    if (this.warned.size > 10_000) this.warned.clear();
    this.warned.add(text);
    this.logger.warn(text);
  }
}
