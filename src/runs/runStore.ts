/**
 * The persistent run store: one directory per run under `root` (format in docs/run-store.md). It records trainer
 * messages as they arrive (flushed appends, atomic meta replacement) and can follow runs other processes write.
 */
import { appendFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { RunPlan } from '../core/config/experimentConfig';
import { Emitter, type Disposable } from '../core/events';
import type { RunId } from '../protocol/ids';
import type { TrainerToHost } from '../protocol/trainer';
import type { Logger } from './logger';
import { silentLogger } from './logger';
import { appendJsonLine, writeJsonAtomic } from './runFiles';
import { RunReader } from './runReader';
import { makeRunId } from './runId';
import { RunTail } from './runTail';
import { RUN_FILES, type JsonlHeader, type RunConfigFile } from './runSchema';
import { applyMessage, type MessageEffect } from './runRecord';
import {
  RUN_SCHEMA_VERSION,
  type LayerStatsRecord,
  type MetricRecord,
  type RunChange,
  type RunData,
  type RunMeta,
  type RunMode,
  type RunStoreApi,
} from './runTypes';
import { isTerminal, type RunStatus } from '../core/runStatus';

export interface RunStoreOptions {
  logger?: Logger;
  /** Clock (tests inject one). */
  now?: () => Date;
  /** Minimum ms between meta.json rewrites for progress-only updates (status changes are written at once). */
  progressFlushMs?: number;
}

export interface CreateOptions {
  experiment: string;
  mode: RunMode;
  /** Where the run will execute (default: a local trainer, pid filled in when it starts). */
  executor?: RunMeta['executor'];
}

/** Persistent store of runs under one directory. */
export class RunStore implements RunStoreApi, Disposable {
  private readonly changes = new Emitter<RunChange>();
  readonly onDidChange = this.changes.event;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly progressFlushMs: number;
  /** Runs this instance writes (never tailed: their events fire on write). */
  private readonly owned = new Map<RunId, { meta: RunMeta; lastFlush: number; dirty: boolean }>();
  private readonly tail: RunTail;
  private readonly reader: RunReader;

  constructor(
    readonly root: string,
    options: RunStoreOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => new Date());
    this.progressFlushMs = options.progressFlushMs ?? 1000;
    this.reader = new RunReader(root, this.logger);
    this.tail = new RunTail(this.reader, (change) => this.changes.fire(change));
    this.tail.prime(this.runIds());
  }

  runDir(runId: RunId): string {
    return this.reader.runDir(runId);
  }

  create(plan: RunPlan, options: CreateOptions): RunId {
    const created = this.now();
    let runId = makeRunId(plan.name, created);
    while (existsSync(this.runDir(runId))) runId = makeRunId(plan.name, created);
    const dir = this.runDir(runId);
    mkdirSync(dir, { recursive: true });
    const { config, ...where } = plan;
    const configFile: RunConfigFile = { schemaVersion: RUN_SCHEMA_VERSION, plan: where, config };
    writeJsonAtomic(join(dir, RUN_FILES.config), configFile);
    for (const file of ['metrics', 'layers'] as const) {
      const header: JsonlHeader = { schemaVersion: RUN_SCHEMA_VERSION, file };
      appendJsonLine(join(dir, RUN_FILES[file]), header);
    }
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
    this.owned.set(runId, { meta, lastFlush: 0, dirty: false });
    this.writeMeta(runId);
    this.tail.forget(runId);
    this.changes.fire({ kind: 'created', runId });
    return runId;
  }

  /** Records a trainer message. Never throws: an I/O error (disk full, directory removed) is logged. */
  record(runId: RunId, message: TrainerToHost): void {
    const entry = this.ownedEntry(runId);
    if (!entry) return;
    const effect: MessageEffect = applyMessage(entry.meta, message, this.now());
    this.guard(runId, `record ${message.type}`, () => {
      if (effect.metric) this.append(runId, 'metrics', effect.metric);
      if (effect.layers) this.append(runId, 'layers', effect.layers);
      if (effect.log) this.appendLog(runId, effect.log);
      if (effect.summary) {
        const summary = { schemaVersion: RUN_SCHEMA_VERSION, ...effect.summary };
        writeJsonAtomic(join(this.runDir(runId), RUN_FILES.summary), summary, true);
      }
      if (effect.meta === 'now') this.writeMeta(runId);
      else if (effect.meta === 'throttled') this.writeMetaThrottled(runId);
    });
  }

  setStatus(runId: RunId, status: RunStatus, failure?: RunMeta['failure']): void {
    const entry = this.ownedEntry(runId);
    if (!entry) return;
    const meta = entry.meta;
    const at = this.now().toISOString();
    meta.status = status;
    if (status === 'running' && meta.startedAt === undefined) meta.startedAt = at;
    if (isTerminal(status)) meta.endedAt = at;
    if (failure) meta.failure = failure;
    this.guard(runId, `set status ${status}`, () => this.writeMeta(runId));
  }

  /** Updates fields of a run's meta (e.g. the executor once a trainer pid is known) and writes it. */
  patchMeta(runId: RunId, patch: Partial<Pick<RunMeta, 'executor' | 'owner'>>): void {
    const entry = this.ownedEntry(runId);
    if (!entry) return;
    Object.assign(entry.meta, patch);
    this.guard(runId, 'update meta.json', () => this.writeMeta(runId));
  }

  /** Appends a text line to the run's trainer.log (trainer stderr, `log` messages). */
  appendLog(runId: RunId, line: string): void {
    try {
      const stamp = this.now().toISOString();
      appendJsonLineText(join(this.runDir(runId), RUN_FILES.log), `${stamp} ${line}`);
    } catch (error) {
      this.logger.warn(`run ${runId}: cannot append to ${RUN_FILES.log}: ${String(error)}`);
    }
  }

  list(): RunMeta[] {
    const metas: RunMeta[] = [];
    for (const runId of this.runIds()) {
      const meta = this.readMeta(runId);
      if (meta) metas.push(meta);
    }
    return metas.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.runId.localeCompare(b.runId));
  }

  read(runId: RunId): RunData | undefined {
    const meta = this.readMeta(runId);
    return meta ? this.reader.readData(runId, meta) : undefined;
  }

  delete(runId: RunId): void {
    rmSync(this.runDir(runId), { recursive: true, force: true });
    this.owned.delete(runId);
    this.reader.forget(runId);
    this.tail.forget(runId);
    this.changes.fire({ kind: 'deleted', runId });
  }

  recoverInterrupted(isAlive: (meta: RunMeta) => boolean): RunId[] {
    const recovered: RunId[] = [];
    for (const meta of this.list()) {
      if (isTerminal(meta.status) || this.owned.has(meta.runId) || isAlive(meta)) continue;
      const message = `the process that ${meta.status === 'queued' ? 'queued' : 'ran'} this run (pid ${meta.owner?.pid ?? '?'}) ended before it finished`;
      const updated: RunMeta = {
        ...meta,
        status: 'interrupted',
        endedAt: this.now().toISOString(),
        failure: { reason: 'crashed', message },
      };
      writeJsonAtomic(join(this.runDir(meta.runId), RUN_FILES.meta), updated);
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
      } catch (error) {
        this.logger.warn(`run store refresh failed: ${String(error)}`);
      }
    }, intervalMs);
    timer.unref();
    return { dispose: () => clearInterval(timer) };
  }

  /** Flushes pending progress to meta.json; the store stays usable. */
  flush(): void {
    for (const [runId, entry] of this.owned) if (entry.dirty) this.writeMeta(runId);
  }

  dispose(): void {
    this.flush();
    this.changes.dispose();
  }

  /** A run's meta: from memory for runs this instance writes, else from meta.json (undefined if missing/invalid). */
  readMeta(runId: RunId): RunMeta | undefined {
    const owned = this.owned.get(runId);
    return owned ? structuredClone(owned.meta) : this.reader.readMeta(runId);
  }

  /** Records of metrics.jsonl or layers.jsonl (header checked; a truncated last line is ignored). */
  readJsonl(runId: RunId, file: JsonlHeader['file']): unknown[] {
    return this.reader.readJsonl(runId, file);
  }

  /** Run ids (directory names) under root, sorted. */
  runIds(): RunId[] {
    return this.reader.runIds();
  }

  private ownedEntry(runId: RunId): { meta: RunMeta; lastFlush: number; dirty: boolean } | undefined {
    const entry = this.owned.get(runId);
    if (!entry) this.reader.warnOnce(`run ${runId}: not written by this store (deleted?); updates ignored`);
    return entry;
  }

  /** Runs a write; an error is logged (once per run and kind) instead of reaching the trainer's event loop. */
  private guard(runId: RunId, what: string, write: () => void): void {
    try {
      write();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.reader.warnOnce(`run ${runId}: cannot ${what}: ${reason}`);
    }
  }

  private append(runId: RunId, file: 'metrics' | 'layers', record: MetricRecord | LayerStatsRecord): void {
    appendJsonLine(join(this.runDir(runId), RUN_FILES[file]), record);
    if (file === 'metrics') this.changes.fire({ kind: 'metrics', runId, record: record as MetricRecord });
    else this.changes.fire({ kind: 'layers', runId, record: record as LayerStatsRecord });
  }

  private writeMetaThrottled(runId: RunId): void {
    const entry = this.owned.get(runId);
    if (!entry) return;
    if (Date.now() - entry.lastFlush >= this.progressFlushMs) this.writeMeta(runId);
    else entry.dirty = true;
  }

  private writeMeta(runId: RunId): void {
    const entry = this.owned.get(runId);
    if (!entry) return;
    writeJsonAtomic(join(this.runDir(runId), RUN_FILES.meta), entry.meta);
    entry.lastFlush = Date.now();
    entry.dirty = false;
    this.changes.fire({ kind: 'updated', runId });
  }
}

function appendJsonLineText(path: string, line: string): void {
  appendFileSync(path, `${line.replace(/\n+$/, '')}\n`);
}
