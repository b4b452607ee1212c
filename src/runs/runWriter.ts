/**
 * Writes one run directory as its trainer reports (used by the run store for local runs and by Slurm array tasks):
 * series lines within the storage budget (thinned past it, with a warning recorded in meta.json), meta.json
 * throttled for progress and at once for status changes, summary.json, trainer.log. A full disk never leaves a
 * half line, a temp file or a broken meta.json: the run is recorded as failed with reason `disk-full` (now, or by
 * the first reader after its owner ended), and the message names the directory and the space it needs.
 */
import { appendFileSync, rmSync, statSync, statfsSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainerToHost } from '../protocol/trainer';
import { toJsonLine } from './numericJson';
import { appendJsonLine, isDiskFull, writeJsonAtomic } from './runFiles';
import { applyMessage } from './runRecord';
import { RUN_FILES, type JsonlHeader, type RunConfigFile, type SeriesFile } from './runSchema';
import { encodeFrame } from '../protocol/frameCodec';
import { RecordThinner, type StorageBudget } from './storageBudget';
import { RUN_SCHEMA_VERSION, type LayerStatsRecord, type MetricRecord, type RunMeta } from './runTypes';
import { isTerminal, type RunStatus } from '../core/runStatus';

/** Empty file a writer leaves when the disk filled up before it could record the run's failure in meta.json. */
export const DISK_FULL_MARKER = 'disk-full';

/** Thrown when a run directory cannot be created (e.g. the disk is full); the message says what to do. */
export class RunStoreError extends Error {
  override readonly name = 'RunStoreError';
}

export interface RunWriterOptions {
  dir: string;
  meta: RunMeta;
  budget: StorageBudget;
  /** The run's statistics cadence (config.stats.everySteps), to plan thinning from the first report. */
  statsEverySteps?: number;
  now?: () => Date;
  /** Minimum ms between meta.json rewrites for progress-only updates (status changes are written at once). */
  progressFlushMs?: number;
  /** Warnings for the user (thinning started, disk full); each is given once. */
  warn: (message: string) => void;
}

/** What one record() call stored (a thinned record is absent) and whether meta.json was rewritten. */
export interface Recorded {
  metric?: MetricRecord;
  layers?: LayerStatsRecord;
  metaWritten: boolean;
}

/** Minimum ms between two attempts to write meta.json again after the disk was full. */
const RETRY_MS = 2000;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Free bytes for unprivileged writers on the file system holding `dir` (undefined when unknown). */
export function freeBytes(dir: string): number | undefined {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

export class RunWriter {
  readonly meta: RunMeta;
  readonly dir: string;
  private readonly now: () => Date;
  private readonly progressFlushMs: number;
  private readonly thinners: Record<SeriesFile, RecordThinner>;
  private readonly records = { metrics: 0, layers: 0 };
  private lastFlush = 0;
  private dirty = false;
  /** Set once a write failed for lack of space: the meta.json write still owed, and when it was last tried. */
  private full: { lastTry: number } | undefined;
  private planned = false;
  /** frames.jsonl has its header (runs created by an older version have no frames file). */
  private framesStarted: boolean;
  /**
   * Bytes of frames.jsonl so far (this writer is its only writer), to cut a partial line off after a failed append;
   * -1 when a cut failed and the file's size must be read again.
   */
  private framesBytes: number;
  private readonly warned = new Set<string>();

  constructor(private readonly options: RunWriterOptions) {
    this.meta = options.meta;
    this.dir = options.dir;
    this.now = options.now ?? (() => new Date());
    this.progressFlushMs = options.progressFlushMs ?? 1000;
    const size = (file: JsonlHeader['file']): number => {
      try {
        return statSync(join(this.dir, RUN_FILES[file])).size;
      } catch {
        return 0;
      }
    };
    this.thinners = {
      metrics: new RecordThinner(options.budget.metricsBytes, size('metrics')),
      layers: new RecordThinner(options.budget.layersBytes, size('layers')),
    };
    this.framesBytes = size('frames');
    this.framesStarted = this.framesBytes > 0;
  }

  /**
   * Creates a run directory (config.json, the two jsonl headers, meta.json) and its writer. When the disk is
   * full the half-made directory is removed and a RunStoreError says how much space is free.
   */
  static create(options: RunWriterOptions & { config: RunConfigFile; root: string }): RunWriter {
    const { dir, config, root } = options;
    try {
      writeJsonAtomic(join(dir, RUN_FILES.config), config);
      for (const file of ['metrics', 'layers', 'frames'] as const) {
        const header: JsonlHeader = { schemaVersion: RUN_SCHEMA_VERSION, file };
        appendJsonLine(join(dir, RUN_FILES[file]), header);
      }
      writeJsonAtomic(join(dir, RUN_FILES.meta), options.meta);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      if (!isDiskFull(error)) throw error;
      const free = freeBytes(root);
      throw new RunStoreError(
        `the disk holding the runs directory ${root} is full (${free === undefined ? 'free space unknown' : `${formatBytes(free)} free`}); ` +
          'a run needs at least 1 MB to start. Free some space and run it again.',
      );
    }
    const writer = new RunWriter(options);
    writer.lastFlush = Date.now();
    return writer;
  }

  /** True once the disk filled up under this run. */
  get diskFull(): boolean {
    return this.full !== undefined;
  }

  /** Applies a trainer message and writes what it produces. Never throws. */
  record(message: TrainerToHost): Recorded {
    const effect = applyMessage(this.meta, message, this.now());
    const out: Recorded = { metaWritten: false };
    if (message.type === 'started') this.planned = false;
    if (effect.metric) {
      const line = toJsonLine(effect.metric);
      const bytes = Buffer.byteLength(line);
      const thinned = effect.metric.kind === 'progress' && !this.admit('metrics', bytes);
      if (!thinned && this.append('metrics', line, bytes)) out.metric = effect.metric;
    }
    if (effect.layers) {
      const line = toJsonLine(effect.layers);
      const bytes = Buffer.byteLength(line);
      if (this.admit('layers', bytes) && this.append('layers', line, bytes)) {
        out.layers = effect.layers;
        this.appendFrame(effect.layers);
      }
    }
    if (effect.log) this.appendLog(effect.log);
    if (effect.summary) {
      const summary = { schemaVersion: RUN_SCHEMA_VERSION, ...effect.summary };
      this.write(RUN_FILES.summary, () => writeJsonAtomic(join(this.dir, RUN_FILES.summary), summary, true));
    }
    if (effect.meta === 'now' || this.full) out.metaWritten = this.writeMeta();
    else if (effect.meta === 'throttled') out.metaWritten = this.writeMetaThrottled();
    return out;
  }

  /** Sets a status (a terminal one also sets endedAt) and writes meta.json at once. */
  setStatus(status: RunStatus, failure?: RunMeta['failure']): boolean {
    if (this.full && isTerminal(this.meta.status)) return this.writeMeta(); // disk-full stays the reason
    const at = this.now().toISOString();
    this.meta.status = status;
    if (status === 'running' && this.meta.startedAt === undefined) this.meta.startedAt = at;
    if (isTerminal(status)) this.meta.endedAt = at;
    if (failure) this.meta.failure = failure;
    return this.writeMeta();
  }

  /** Writes pending progress (and, after a full disk, the owed meta.json); true when meta.json was written. */
  flush(): boolean {
    return this.dirty || this.full ? this.writeMeta(true) : false;
  }

  /** Appends a timestamped line to trainer.log (best effort: a log line is not run data). */
  appendLog(line: string): void {
    try {
      const text = `${this.now().toISOString()} ${line.replace(/\n+$/, '')}\n`;
      appendFileSync(join(this.dir, RUN_FILES.log), text);
    } catch {
      // trainer.log is diagnostics only; a full disk is reported through meta.json
    }
  }

  /** Rewrites meta.json now; false when it could not be written (the in-memory meta stays current). */
  writeMeta(force = false): boolean {
    if (this.full && !force && Date.now() - this.full.lastTry < RETRY_MS) return false;
    if (this.full) this.full.lastTry = Date.now();
    const ok = this.write(RUN_FILES.meta, () => writeJsonAtomic(join(this.dir, RUN_FILES.meta), this.meta));
    if (ok) {
      this.lastFlush = Date.now();
      this.dirty = false;
      if (this.full) {
        this.full = undefined;
        rmSync(join(this.dir, DISK_FULL_MARKER), { force: true });
      }
    }
    return ok;
  }

  private writeMetaThrottled(): boolean {
    if (Date.now() - this.lastFlush >= this.progressFlushMs) return this.writeMeta();
    this.dirty = true;
    return false;
  }

  /** Whether a series record is stored under the budget; plans the statistics stride from the first report. */
  private admit(file: SeriesFile, bytes: number): boolean {
    const thinner = this.thinners[file];
    if (file === 'layers' && !this.planned) {
      this.planned = true;
      const every = this.options.statsEverySteps;
      const total = this.meta.totalSteps;
      if (every !== undefined && total !== undefined) thinner.plan(Math.ceil(total / every) + 1, bytes);
    }
    const keep = thinner.admit(bytes);
    if (thinner.every > 1 || !keep) this.noteThinning();
    return keep;
  }

  /** Records in meta.json (and warns once per change) that series are stored thinned. */
  private noteThinning(): void {
    const layersEvery = this.thinners.layers.every;
    const progressEvery = this.thinners.metrics.every;
    const previous = this.meta.thinning;
    if (previous && previous.layersEvery === layersEvery && previous.progressEvery === progressEvery) return;
    const budget = this.options.budget;
    this.meta.thinning = { layersEvery, progressEvery, budgetBytes: budget.layersBytes };
    const parts = [
      layersEvery > 1 ? `every ${layersEvery}th statistics report` : '',
      progressEvery > 1 ? `every ${progressEvery}th loss report` : '',
    ].filter(Boolean);
    this.options.warn(
      `run ${this.meta.runId}: it would write more than its storage budget (${formatBytes(budget.layersBytes)} of statistics, ` +
        `${formatBytes(budget.metricsBytes)} of metrics), so only ${parts.join(' and ') || 'part of its reports'} is stored ` +
        '(setting snnLab.statsBudgetMB, CLI --stats-budget-mb)',
    );
    this.dirty = true;
  }

  /** Appends one series line; on a full disk the partial line is cut off again. True when it was written. */
  /**
   * Appends the record's column-wise form (histograms left out) to frames.jsonl: what the dashboard sends, encoded
   * once here, so opening a run reads ~10 KB per sampled report instead of the ~40 KB layers.jsonl line.
   */
  private appendFrame(record: LayerStatsRecord): void {
    if (this.full) return;
    const path = join(this.dir, RUN_FILES.frames);
    const header: JsonlHeader = { schemaVersion: RUN_SCHEMA_VERSION, file: 'frames' };
    const line = toJsonLine(encodeFrame({ step: record.step, epoch: record.epoch, layers: record.layers }));
    // The size before this line is counted, not stat()ed per report (one system call less per statistics report).
    let size = 0;
    this.write(
      RUN_FILES.frames,
      () => {
        if (!this.framesStarted) {
          const head = toJsonLine(header);
          appendFileSync(path, head);
          this.framesBytes += Buffer.byteLength(head);
        }
        this.framesStarted = true;
        size = this.framesBytes >= 0 ? this.framesBytes : statSync(path).size;
        appendFileSync(path, line);
        this.framesBytes = size + Buffer.byteLength(line);
      },
      () => {
        try {
          if (size > 0) truncateSync(path, size);
          this.framesBytes = size;
        } catch {
          // a partial line stays; readers skip it. The count no longer matches the file: stat() it next time.
          this.framesBytes = -1;
        }
      },
    );
  }

  private append(file: SeriesFile, line: string, bytes: number): boolean {
    if (this.full) return false;
    const thinner = this.thinners[file];
    const path = join(this.dir, RUN_FILES[file]);
    const write = (): void => {
      appendFileSync(path, line);
      thinner.wrote(bytes);
    };
    const ok = this.write(RUN_FILES[file], write, () => {
      try {
        truncateSync(path, thinner.written);
      } catch {
        // the file stays one partial line longer; readers skip a line without its newline
      }
    });
    if (ok) this.records[file]++;
    return ok;
  }

  /** Runs a write; a full disk switches the run to the disk-full state, other errors are warned about once. */
  private write(what: string, action: () => void, undo?: () => void): boolean {
    try {
      action();
      return true;
    } catch (error) {
      undo?.();
      if (isDiskFull(error)) this.onDiskFull(what);
      else {
        this.warnOnce(
          `${what}:${(error as NodeJS.ErrnoException).code ?? ''}`,
          `cannot write ${what}: ${(error as Error).message}`,
        );
      }
      return false;
    }
  }

  /** Warns about a kind of failure once (a vanished directory fails every write the same way). */
  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.warn(`run ${this.meta.runId}: ${message}`);
  }

  private onDiskFull(what: string): void {
    if (this.full) return;
    this.full = { lastTry: Date.now() };
    const free = freeBytes(this.dir);
    const needed = this.remainingBytes();
    const message =
      `the disk holding ${this.dir} is full: ${what} could not be written ` +
      `(${free === undefined ? 'free space unknown' : `${formatBytes(free)} free`}; this run needs about ${formatBytes(needed)} more). ` +
      'Free some space and start the run again.';
    const dataLost = what !== RUN_FILES.summary && what !== RUN_FILES.meta;
    if (dataLost || !isTerminal(this.meta.status)) {
      this.meta.status = 'failed';
      this.meta.endedAt = this.now().toISOString();
      this.meta.failure = { reason: 'disk-full', message };
    }
    try {
      writeFileSync(join(this.dir, DISK_FULL_MARKER), ''); // an empty file needs no data block
    } catch {
      // the reader then calls the run interrupted; the message above still went to the log
    }
    this.options.warn(`run ${this.meta.runId}: ${message}`);
  }

  /** Bytes the run will still write at its current thinning (statistics and loss reports), plus meta/summary. */
  private remainingBytes(): number {
    const layers = this.thinners.layers;
    const average = this.records.layers > 0 ? layers.written / (this.records.layers + 1) : 0;
    const every = this.options.statsEverySteps ?? 1;
    const step = this.meta.progress?.step ?? 0;
    const left = Math.max(0, ((this.meta.totalSteps ?? step) - step) / every / layers.every);
    return Math.max(64 * 1024, left * average + 64 * 1024);
  }
}
