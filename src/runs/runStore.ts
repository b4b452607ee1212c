/**
 * The persistent run store: one directory per run under `root` (format in docs/run-store.md). It records trainer
 * messages as they arrive (RunWriter: flushed appends within a storage budget, atomic meta replacement, disk-full
 * handling), reads runs through RunReader (summaries without the statistics file, sampled or streamed series), can
 * follow runs other processes write (RunTail), and deletes only direct child run directories of `root`.
 */
import { existsSync, lstatSync, mkdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { RunPlan } from '../core/config/experimentConfig';
import type { RunConfig } from '../core/config/experimentConfig';
import type { RunSummary } from '../protocol/stats';
import { Emitter, type Disposable } from '../core/events';
import { isRunId, type RunId } from '../protocol/ids';
import type { TrainerToHost } from '../protocol/trainer';
import type { Logger } from './logger';
import { silentLogger } from './logger';
import { writeJsonAtomic } from './runFiles';
import { RunReader } from './runReader';
import { makeRunId } from './runId';
import { RunTail } from './runTail';
import { RUN_FILES, type RunConfigFile, type SeriesFile } from './runSchema';
import type { FrameColumns } from '../protocol/webview';
import { DISK_FULL_MARKER, RunStoreError, RunWriter } from './runWriter';
import { cloneMeta } from './runRecords';
import { DEFAULT_STORAGE_BUDGET, type StorageBudget } from './storageBudget';
import {
  RUN_SCHEMA_VERSION,
  type LayerStatsRecord,
  type MetricRecord,
  type RunChange,
  type RunData,
  type RunMeta,
  type RunMode,
  type RunOverview,
  type RunSetup,
  type RunStoreApi,
  type UnreadableRun,
} from './runTypes';
import { isTerminal, type RunStatus } from '../core/runStatus';

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

export interface CreateOptions {
  experiment: string;
  mode: RunMode;
  /** Where the run will execute (default: a local trainer, pid filled in when it starts). */
  executor?: RunMeta['executor'];
  /** An id the caller reserved earlier (RunManager creates directories only as runs near their start). */
  runId?: RunId;
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
    const dir = this.runDir(runId);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new RunStoreError(`cannot create the run directory ${dir}: ${(error as Error).message}`);
    }
    const { config, ...where } = plan;
    const configFile: RunConfigFile = { schemaVersion: RUN_SCHEMA_VERSION, plan: where, config };
    const meta: RunMeta = {
      schemaVersion: RUN_SCHEMA_VERSION,
      runId,
      name: plan.name,
      experiment: options.experiment,
      mode: options.mode,
      status: 'queued',
      createdAt: created.toISOString(),
      seed: config.seed,
      ...(config.data.splitSeed !== undefined ? { splitSeed: config.data.splitSeed } : {}),
      experimentName: plan.name.split('/')[0]?.split('#')[0] ?? plan.name,
      ...(plan.variant !== undefined ? { variant: plan.variant } : {}),
      sweepPoint: plan.sweepPoint,
      ...(plan.fold !== undefined ? { fold: plan.fold } : {}),
      ...(plan.repeat !== undefined ? { repeat: plan.repeat } : {}),
      ...(plan.dataset !== undefined ? { datasetName: plan.dataset } : {}),
      ...(plan.group !== undefined ? { group: plan.group } : {}),
      executor: options.executor ?? { kind: 'local' },
      owner: { pid: process.pid, hostname: hostname() },
    };
    const writer = RunWriter.create({
      dir,
      root: this.root,
      meta,
      config: configFile,
      budget: this.options.budget ?? DEFAULT_STORAGE_BUDGET,
      ...(config.stats?.everySteps !== undefined ? { statsEverySteps: config.stats.everySteps } : {}),
      now: this.now,
      progressFlushMs: this.options.progressFlushMs ?? 1000,
      warn: (message) => this.reader.warnOnce(message),
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

  /** Meta, summary, latest epoch metrics and a loss sparkline: what lists and tables show (no layers.jsonl). */
  overview(runId: RunId): RunOverview | undefined {
    const meta = this.readMeta(runId);
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
      this.reader.headerEnd(runId, 'metrics');
      this.reader.headerEnd(runId, 'layers');
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** How many records metrics.jsonl and layers.jsonl hold (lines counted, not parsed). */
  recordCounts(runId: RunId): { metrics: number; layers: number } {
    return {
      metrics: this.reader.countRecords(runId, 'metrics'),
      layers: this.reader.countRecords(runId, 'layers'),
    };
  }

  /** Where about `count` statistics records spread evenly over layers.jsonl begin (found by seeking). */
  planLayerSamples(runId: RunId, count: number): { starts: number[]; end: number } {
    try {
      return this.reader.planLayerSamples(runId, count);
    } catch (error) {
      this.reader.warnOnce(`run ${runId}: ${(error as Error).message}`);
      return { starts: [], end: 0 };
    }
  }

  /** Where about `count` frames spread evenly over frames.jsonl begin; undefined when the run has none. */
  planFrameSamples(runId: RunId, count: number): { starts: number[]; end: number } | undefined {
    try {
      return this.reader.planFrameSamples(runId, count);
    } catch (error) {
      this.reader.warnOnce(`run ${runId}: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** The frames starting at `starts` (from planFrameSamples). */
  readFramesAt(runId: RunId, starts: readonly number[]): FrameColumns[] {
    try {
      return this.reader.readFramesAt(runId, starts);
    } catch (error) {
      this.reader.warnOnce(`run ${runId}: ${(error as Error).message}`);
      return [];
    }
  }

  /** The statistics records starting at `starts` (from planLayerSamples). */
  readLayersAt(runId: RunId, starts: readonly number[]): LayerStatsRecord[] {
    try {
      return this.reader.readLayersAt(runId, starts);
    } catch (error) {
      this.reader.warnOnce(`run ${runId}: ${(error as Error).message}`);
      return [];
    }
  }

  /** Streams records of a series file from `offset` (default: after its header) up to about `maxBytes`. */
  readRecords<F extends SeriesFile>(
    runId: RunId,
    file: F,
    visit: (record: F extends 'metrics' ? MetricRecord : LayerStatsRecord) => void,
    options: { offset?: number; maxBytes?: number } = {},
  ): { offset: number; more: boolean } {
    try {
      return this.reader.readRecords(runId, file, visit, options);
    } catch (error) {
      this.reader.warnOnce(`run ${runId}: ${(error as Error).message}`);
      return { offset: options.offset ?? 0, more: false };
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
    const refuse = (why: string): never => {
      throw new RunStoreError(`refusing to delete ${JSON.stringify(String(runId).slice(0, 130))}: ${why}`);
    };
    if (!isRunId(runId)) refuse('not a run id');
    const dir = join(this.root, runId);
    let real: string;
    let root: string;
    try {
      const stat = lstatSync(dir);
      if (stat.isSymbolicLink()) refuse('it is a symbolic link');
      if (!stat.isDirectory()) refuse('it is not a directory');
      real = realpathSync(dir);
      root = realpathSync(this.root);
    } catch (error) {
      if (error instanceof RunStoreError) throw error;
      return refuse(`no run directory ${dir} (${(error as Error).message})`);
    }
    if (dirname(real) !== root || basename(real) !== runId) refuse(`${real} is not inside ${root}`);
    const isRunFile = (file: string): boolean => {
      try {
        return lstatSync(join(real, file)).isFile();
      } catch {
        return false;
      }
    };
    if (!isRunFile(RUN_FILES.meta) && !isRunFile(RUN_FILES.config)) {
      refuse(`${real} holds neither ${RUN_FILES.meta} nor ${RUN_FILES.config}; it is not a run directory`);
    }
    return real;
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
      const updated = this.recovered(meta);
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

  private recovered(meta: RunMeta): RunMeta {
    const dir = this.runDir(meta.runId);
    let metaTime: number | undefined;
    try {
      metaTime = statSync(join(dir, RUN_FILES.meta)).mtimeMs;
    } catch {
      metaTime = undefined;
    }
    const last =
      this.reader.lastRecordTime(meta.runId) ?? metaTime ?? Date.parse(meta.startedAt ?? meta.createdAt);
    const endedAt = new Date(Number.isFinite(last) ? last : this.now().getTime()).toISOString();
    const pid = meta.owner?.pid ?? '?';
    if (this.reader.diskFullMarker(meta.runId)) {
      const message = `the disk holding ${dir} was full while this run was recorded (by pid ${pid}); its records end at ${endedAt}`;
      return { ...meta, status: 'failed', endedAt, failure: { reason: 'disk-full', message } };
    }
    const did = meta.status === 'queued' ? 'queued' : 'ran';
    const message = `the process that ${did} this run (pid ${pid}) ended before it finished`;
    return { ...meta, status: 'interrupted', endedAt, failure: { reason: 'crashed', message } };
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
