/**
 * The persistent run store: one directory per run under `root` (format in docs/run-store.md). It records trainer
 * messages as they arrive (RunWriter: flushed appends within a storage budget, atomic meta replacement, disk-full
 * handling), reads runs through RunReader (summaries without the statistics file, sampled or streamed series), can
 * follow runs other processes write (RunTail), and deletes only direct child run directories of `root`. New run
 * directories are made by runCreation.ts, the delete check is runDirSafety.ts, recovery of dead runs runRecovery.ts.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig, RunPlan } from '../core/config/experimentConfig';
import { Emitter, type Disposable } from '../core/events';
import { isTerminal, type RunStatus } from '../core/runStatus';
import type { RunId } from '../protocol/ids';
import type { RunSummary } from '../protocol/stats';
import type { TrainerToHost } from '../protocol/trainer';
import type { FrameColumns } from '../protocol/webview';
import { silentLogger, type Logger } from './logger';
import { createRunDirectory, type CreateOptions } from './runCreation';
import { safeRunDir } from './runDirSafety';
import { prefixStamp } from './runFileSeek';
import { writeJsonAtomic } from './runFiles';
import { makeRunId } from './runId';
import { RunReader } from './runReader';
import { cloneMeta } from './runRecords';
import { recoveredMeta } from './runRecovery';
import { RUN_FILES, type SeriesFile } from './runSchema';
import { RunTail } from './runTail';
import type {
  LayerStatsRecord,
  MetricRecord,
  RunChange,
  RunData,
  RunMeta,
  RunOverview,
  RunSetup,
  RunStoreApi,
  UnreadableRun,
} from './runTypes';
import { DISK_FULL_MARKER, RunStoreError, type RunWriter } from './runWriter';
import { DEFAULT_STORAGE_BUDGET, type StorageBudget } from './storageBudget';

export { RunStoreError } from './runWriter';

export interface RunStoreOptions {
  logger?: Logger;
  /** Clock (tests inject one). */
  now?: () => Date;
  /** Minimum ms between meta.json rewrites for progress-only updates (status changes are written at once). */
  progressFlushMs?: number;
  /** Byte budgets of each run's series files (default DEFAULT_STORAGE_BUDGET). */
  budget?: StorageBudget;
}

/** `read()`, or `fallback` when it throws (the reason warned once: polled views would log it every second). */
function orWarned<T>(reader: RunReader, runId: RunId, fallback: T, read: () => T): T {
  try {
    return read();
  } catch (error) {
    reader.warnOnce(`run ${runId}: ${(error as Error).message}`);
    return fallback;
  }
}

/** Persistent store of runs under one directory. */
export class RunStore implements RunStoreApi, Disposable {
  private readonly changes = new Emitter<RunChange>();
  readonly onDidChange = this.changes.event;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly options: RunStoreOptions;
  /** Runs this instance writes (never tailed: their events fire on write). */
  private readonly owned = new Map<RunId, RunWriter>();
  private readonly tail: RunTail;
  private readonly reader: RunReader;

  constructor(
    readonly root: string,
    options: RunStoreOptions = {},
  ) {
    this.options = options;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => new Date());
    this.reader = new RunReader(root, this.logger);
    this.tail = new RunTail(this.reader, (change) => this.changes.fire(change));
    this.tail.prime(this.runIds());
  }

  runDir(runId: RunId): string {
    return this.reader.runDir(runId);
  }

  /** Creates the run directory (config.json, meta.json, jsonl headers); RunStoreError when the disk is full. */
  create(plan: RunPlan, options: CreateOptions): RunId {
    const created = this.now();
    let runId = options.runId ?? makeRunId(plan.name, created);
    if (options.runId !== undefined && existsSync(this.runDir(runId))) {
      throw new Error(`cannot create run ${runId}: its directory exists already`);
    }
    while (existsSync(this.runDir(runId))) runId = makeRunId(plan.name, created);
    const writer = createRunDirectory({
      root: this.root,
      dir: this.runDir(runId),
      plan,
      options,
      runId,
      created,
      writer: {
        budget: this.options.budget ?? DEFAULT_STORAGE_BUDGET,
        now: this.now,
        progressFlushMs: this.options.progressFlushMs ?? 1000,
        warn: (message) => this.reader.warnOnce(message),
      },
    });
    this.owned.set(runId, writer);
    this.tail.forget(runId);
    this.changes.fire({ kind: 'created', runId });
    this.changes.fire({ kind: 'updated', runId });
    return runId;
  }

  /** Records a trainer message. Never throws: an I/O error is logged, a full disk fails the run (disk-full). */
  record(runId: RunId, message: TrainerToHost): void {
    const writer = this.ownedWriter(runId);
    if (!writer) return;
    const wasFull = writer.diskFull;
    const status = writer.meta.status;
    const stored = writer.record(message);
    if (stored.metric) this.changes.fire({ kind: 'metrics', runId, record: stored.metric });
    if (stored.layers) this.changes.fire({ kind: 'layers', runId, record: stored.layers });
    if (stored.metaWritten || writer.diskFull !== wasFull || writer.meta.status !== status) {
      this.changes.fire({ kind: 'updated', runId });
    }
  }

  setStatus(runId: RunId, status: RunStatus, failure?: RunMeta['failure']): void {
    const writer = this.ownedWriter(runId);
    if (!writer) return;
    writer.setStatus(status, failure);
    this.changes.fire({ kind: 'updated', runId });
  }

  /** Updates fields of a run's meta (e.g. the executor once a trainer pid is known) and writes it. */
  patchMeta(runId: RunId, patch: Partial<Pick<RunMeta, 'executor' | 'owner'>>): void {
    const writer = this.ownedWriter(runId);
    if (!writer) return;
    Object.assign(writer.meta, patch);
    if (writer.writeMeta()) this.changes.fire({ kind: 'updated', runId });
  }

  /** True when the disk filled up under a run this store writes (the run is then failed, reason disk-full). */
  isDiskFull(runId: RunId): boolean {
    return this.owned.get(runId)?.meta.failure?.reason === 'disk-full';
  }

  /** Appends a text line to the run's trainer.log (trainer stderr, `log` messages). */
  appendLog(runId: RunId, line: string): void {
    this.owned.get(runId)?.appendLog(line);
  }

  list(): RunMeta[] {
    return this.listing().runs;
  }

  /** Every readable run (oldest first) and the run directories that cannot be read, with the reason. */
  listing(): { runs: RunMeta[]; unreadable: UnreadableRun[] } {
    return this.reader.list((runId) => this.readMeta(runId));
  }

  read(runId: RunId): RunData | undefined {
    const result = this.readOrReason(runId);
    return result.ok ? result.data : undefined;
  }

  /** Everything stored for a run (streamed), or why it cannot be read. */
  readOrReason(runId: RunId): { ok: true; data: RunData } | { ok: false; reason: string } {
    const meta = this.readMeta(runId);
    if (!meta) return { ok: false, reason: this.reader.problem(runId) ?? `no run ${runId} in ${this.root}` };
    return this.reader.loadData(runId, meta);
  }

  /**
   * Meta, summary, latest epoch metrics and a loss sparkline: what lists and tables show (no layers.jsonl). `meta`,
   * when the caller has just read it (e.g. from list()), saves reading meta.json again.
   */
  overview(runId: RunId, meta: RunMeta | undefined = this.readMeta(runId)): RunOverview | undefined {
    return meta ? this.reader.readOverview(runId, meta) : undefined;
  }

  /** config.json's RunConfig, or undefined when it cannot be read (warned once). */
  readConfig(runId: RunId): RunConfig | undefined {
    const result = this.readConfigOrReason(runId);
    if (result.ok) return result.config;
    this.reader.warnOnce(`run ${runId}: ${result.reason}`);
    return undefined;
  }

  /** config.json's setup (a config, or a model description and hyperparameters), or undefined (warned once). */
  readSetup(runId: RunId): RunSetup | undefined {
    const result = this.readSetupOrReason(runId);
    if (result.ok) return result.setup;
    this.reader.warnOnce(`run ${runId}: ${result.reason}`);
    return undefined;
  }

  /** config.json's setup, or why it cannot be read. */
  readSetupOrReason(runId: RunId): { ok: true; setup: RunSetup } | { ok: false; reason: string } {
    try {
      return { ok: true, setup: this.reader.readSetup(runId) };
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
  }

  /** config.json's RunConfig, or why it cannot be read. */
  readConfigOrReason(runId: RunId): { ok: true; config: RunConfig } | { ok: false; reason: string } {
    try {
      return { ok: true, config: this.reader.readConfig(runId) };
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
  }

  /** summary.json (only finished runs have one), or undefined. */
  readSummary(runId: RunId): RunSummary | undefined {
    return this.reader.readSummary(runId);
  }

  /** Why a run's series files cannot be streamed (not regular files, a wrong header), or undefined when they can. */
  seriesProblem(runId: RunId): string | undefined {
    try {
      this.reader.series.headerEnd(runId, 'metrics');
      this.reader.series.headerEnd(runId, 'layers');
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** How many records metrics.jsonl and layers.jsonl hold (lines counted, not parsed). */
  recordCounts(runId: RunId): { metrics: number; layers: number } {
    return {
      metrics: this.reader.series.countRecords(runId, 'metrics'),
      layers: this.reader.series.countRecords(runId, 'layers'),
    };
  }

  /** Where about `count` statistics records spread evenly over layers.jsonl begin (found by seeking). */
  planLayerSamples(runId: RunId, count: number): { starts: number[]; end: number } {
    return orWarned(this.reader, runId, { starts: [], end: 0 }, () =>
      this.reader.series.planLayerSamples(runId, count),
    );
  }

  /** Where about `count` frames spread evenly over frames.jsonl begin; undefined when the run has none. */
  planFrameSamples(runId: RunId, count: number): { starts: number[]; end: number } | undefined {
    return orWarned(this.reader, runId, undefined, () => this.reader.series.planFrameSamples(runId, count));
  }

  /** The frames starting at `starts` (from planFrameSamples). */
  readFramesAt(runId: RunId, starts: readonly number[]): FrameColumns[] {
    return orWarned(this.reader, runId, [], () => this.reader.series.readFramesAt(runId, starts));
  }

  /** The statistics records starting at `starts` (from planLayerSamples). */
  readLayersAt(runId: RunId, starts: readonly number[]): LayerStatsRecord[] {
    return orWarned(this.reader, runId, [], () => this.reader.series.readLayersAt(runId, starts));
  }

  /** Streams records of a series file from `offset` (default: after its header) up to about `maxBytes`. */
  readRecords<F extends SeriesFile>(
    runId: RunId,
    file: F,
    visit: (record: F extends 'metrics' ? MetricRecord : LayerStatsRecord) => void,
    options: { offset?: number; maxBytes?: number } = {},
  ): { offset: number; more: boolean } {
    return orWarned<{ offset: number; more: boolean }>(
      this.reader,
      runId,
      { offset: options.offset ?? 0, more: false },
      () => this.reader.series.readRecords(runId, file, visit, options),
    );
  }

  /**
   * The size of a series file and the sha256 of its bytes [max(0, offset − 4096), offset) (one read of at most 4 KB),
   * or undefined when the file is missing, shorter than `offset`, or not a regular file in a real run directory
   * directly inside the runs directory (safeRunDir: never a path outside it).
   */
  seriesFileStamp(
    runId: RunId,
    file: SeriesFile,
    offset: number,
  ): { size: number; tail: string } | undefined {
    try {
      return prefixStamp(join(safeRunDir(this.root, runId), RUN_FILES[file]), offset);
    } catch {
      return undefined;
    }
  }

  /**
   * Deletes a run directory. Refuses (RunStoreError) anything that is not a direct child run directory of the runs
   * directory once links are resolved, a run this store is still writing, and a name that is not a run id.
   */
  delete(runId: RunId): void {
    const dir = this.safeRunDir(runId);
    const writer = this.owned.get(runId);
    if (writer && !isTerminal(writer.meta.status)) {
      throw new RunStoreError(`run ${runId} is ${writer.meta.status}; stop it before deleting it`);
    }
    rmSync(dir, { recursive: true, force: true });
    this.owned.delete(runId);
    this.reader.forget(runId);
    this.tail.forget(runId);
    this.changes.fire({ kind: 'deleted', runId });
  }

  /** The real path of a run's directory, checked to be a run directory directly inside the runs directory. */
  safeRunDir(runId: RunId): string {
    return safeRunDir(this.root, runId);
  }

  /**
   * Marks runs left 'queued'/'running' by a dead owner: `interrupted`, or `failed` (disk-full) when the writer
   * left the disk-full marker; `endedAt` is the time of the run's last record. A recovery that cannot be written
   * (full disk) is still shown by this store. Never throws.
   */
  recoverInterrupted(isAlive: (meta: RunMeta) => boolean): RunId[] {
    const recovered: RunId[] = [];
    for (const meta of this.list()) {
      if (isTerminal(meta.status) || this.owned.has(meta.runId) || isAlive(meta)) continue;
      const updated = recoveredMeta(meta, this.reader, this.now);
      try {
        writeJsonAtomic(join(this.runDir(meta.runId), RUN_FILES.meta), updated);
        rmSync(join(this.runDir(meta.runId), DISK_FULL_MARKER), { force: true });
      } catch (error) {
        this.reader.override(meta.runId, updated);
        this.reader.warnOnce(
          `run ${meta.runId}: cannot record that it ${updated.status}: ${(error as Error).message}`,
        );
      }
      this.changes.fire({ kind: 'updated', runId: meta.runId });
      recovered.push(meta.runId);
    }
    return recovered;
  }

  refresh(): void {
    this.tail.refresh(this.runIds().filter((runId) => !this.owned.has(runId)));
  }

  watch(intervalMs = 1000): Disposable {
    const timer = setInterval(() => {
      try {
        this.refresh();
        this.retryFull();
      } catch (error) {
        this.logger.warn(`run store refresh failed: ${String(error)}`);
      }
    }, intervalMs);
    timer.unref();
    return { dispose: () => clearInterval(timer) };
  }

  /** Flushes pending progress to meta.json (and retries meta.json of runs whose disk was full). */
  flush(): void {
    for (const [runId, writer] of this.owned) {
      if (writer.flush()) this.changes.fire({ kind: 'updated', runId });
    }
  }

  dispose(): void {
    this.flush();
    this.changes.dispose();
  }

  /** A run's meta: from memory for runs this instance writes, else from meta.json (undefined if missing/invalid). */
  readMeta(runId: RunId): RunMeta | undefined {
    const owned = this.owned.get(runId);
    return owned ? cloneMeta(owned.meta) : this.reader.readMeta(runId);
  }

  /** Records of metrics.jsonl or layers.jsonl (header checked, lines that are not records skipped). */
  readJsonl(runId: RunId, file: SeriesFile): unknown[] {
    return this.reader.readJsonl(runId, file);
  }

  /** Run ids (directory names) under root, sorted. */
  runIds(): RunId[] {
    return this.reader.runIds();
  }

  private retryFull(): void {
    for (const [runId, writer] of this.owned) {
      if (writer.diskFull && writer.flush()) this.changes.fire({ kind: 'updated', runId });
    }
  }

  private ownedWriter(runId: RunId): RunWriter | undefined {
    const writer = this.owned.get(runId);
    if (!writer) this.reader.warnOnce(`run ${runId}: not written by this store (deleted?); updates ignored`);
    return writer;
  }
}
