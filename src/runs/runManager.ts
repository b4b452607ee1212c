/**
 * Runs queued plans in trainer processes, at most `maxConcurrent` at a time, and records every trainer message
 * in the run store. An exit without `finished`/`failed` becomes a `failed` run with reason `crashed`. Run ids are
 * reserved at once, but directories are created only for the runs about to start (QUEUED_AHEAD beyond the free
 * slots), so a large sweep never writes thousands of directories up front and a cancelled queue leaves none.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunPlan } from '../core/config/experimentConfig';
import { Emitter, type Disposable } from '../core/events';
import type { RunId } from '../protocol/ids';
import type { BackendChoice, TrainerToHost } from '../protocol/trainer';
import type { Logger } from './logger';
import { makeRunId } from './runId';
import type { RunStore } from './runStore';

import type { RunManagerApi, RunMeta, StartOptions } from './runTypes';
import { STOP_GRACE_MS, TrainerProcess, type TrainerExit } from './trainerProcess';
import { isTerminal, type RunStatus } from '../core/runStatus';

/** What the manager writes runs through: a RunStore, or the extension's RunStoreSwitch. */
export type RunRecorder = Pick<
  RunStore,
  | 'create'
  | 'readMeta'
  | 'flush'
  | 'setStatus'
  | 'patchMeta'
  | 'appendLog'
  | 'runDir'
  | 'record'
  | 'isDiskFull'
>;

export interface RunManagerOptions {
  /** Absolute path of dist/trainer.js. */
  trainerPath: string;
  store: RunRecorder;
  logger: Logger;
  /** Default 1. */
  maxConcurrent?: number;
  /** Node executable for trainers (default: this process's). */
  execPath?: string;
  /** ms between `stop` and SIGKILL (default STOP_GRACE_MS). */
  stopGraceMs?: number;
  /** Extra environment for trainers. */
  env?: Record<string, string>;
  /** Node flags for trainers (default none). */
  execArgv?: string[];
  /** Probe batch size passed with mode 'probe'. */
  probeSamples?: number;
  /** Memory budget per run in MiB, passed to trainers, which refuse a run estimated above it once data is loaded. */
  memoryBudgetMB?: number;
}

/** Queued runs whose directories exist beyond those that start at once: what the sidebar shows as queued. */
export const QUEUED_AHEAD = 8;

interface Queued {
  runId: RunId;
  plan: RunPlan;
  options: StartOptions;
  /** The run directory exists (created when the run neared the front of the queue). */
  created: boolean;
}

interface Active extends Queued {
  trainer: TrainerProcess;
  stopping: boolean;
}

export class RunManager implements RunManagerApi, Disposable {
  private readonly runChanges = new Emitter<{ runId: RunId; status: RunStatus }>();
  private readonly runMessages = new Emitter<{ runId: RunId; message: TrainerToHost }>();
  readonly onDidChangeRun = this.runChanges.event;
  readonly onMessage = this.runMessages.event;
  private readonly queue: Queued[] = [];
  private readonly running = new Map<RunId, Active>();
  private readonly waiters = new Map<RunId, ((status: RunStatus) => void)[]>();
  /** Runs that ended without a directory (cancelled while far back in the queue, or not creatable): their end. */
  private readonly unrecorded = new Map<RunId, RunStatus>();
  private maxConcurrent: number;
  private execPath: string | undefined;
  private disposed = false;

  constructor(private readonly options: RunManagerOptions) {
    this.maxConcurrent = Math.max(1, options.maxConcurrent ?? 1);
    this.execPath = options.execPath;
  }

  /** The Node executable for trainers started from now on (undefined: this process's). */
  setExecPath(execPath: string | undefined): void {
    this.execPath = execPath;
  }

  enqueue(plans: RunPlan[], options: StartOptions): RunId[] {
    if (this.disposed) throw new Error('the run manager has been disposed');
    const reserved = new Set(this.queue.map((entry) => entry.runId));
    const ids = plans.map((plan) => {
      let runId = makeRunId(plan.name);
      while (reserved.has(runId) || existsSync(this.options.store.runDir(runId))) {
        runId = makeRunId(plan.name);
      }
      reserved.add(runId);
      this.queue.push({ runId, plan, options, created: false });
      this.runChanges.fire({ runId, status: 'queued' });
      return runId;
    });
    this.pump();
    return ids;
  }

  async stop(runId: RunId): Promise<void> {
    const index = this.queue.findIndex((entry) => entry.runId === runId);
    if (index >= 0) {
      const [entry] = this.queue.splice(index, 1);
      // A run whose directory was never created leaves nothing behind: there is nothing to record.
      this.finish(runId, 'cancelled', entry?.created ?? false);
      this.createAhead();
      return;
    }
    const active = this.running.get(runId);
    if (!active) return;
    active.stopping = true;
    await active.trainer.stop(this.options.stopGraceMs ?? STOP_GRACE_MS);
    await this.whenDone(runId);
  }

  async stopAll(): Promise<void> {
    for (const entry of this.queue.splice(0)) this.finish(entry.runId, 'cancelled', entry.created);
    await Promise.all([...this.running.keys()].map((runId) => this.stop(runId)));
  }

  whenDone(runId: RunId): Promise<RunStatus> {
    const managed = this.running.has(runId) || this.queue.some((entry) => entry.runId === runId);
    const ended = this.unrecorded.get(runId);
    if (ended && !managed) return Promise.resolve(ended);
    const meta = this.options.store.readMeta(runId);
    if (!meta && !managed) return Promise.reject(new Error(`unknown run ${runId}`));
    if (meta && !managed) {
      if (isTerminal(meta.status)) return Promise.resolve(meta.status);
      return Promise.reject(new Error(`run ${runId} (${meta.status}) is not run by this run manager`));
    }
    return new Promise((resolve) => {
      const list = this.waiters.get(runId) ?? [];
      list.push(resolve);
      this.waiters.set(runId, list);
    });
  }

  active(): RunId[] {
    return [...this.running.keys()];
  }

  /** Run ids waiting for a free slot, in order. */
  queued(): RunId[] {
    return this.queue.map((entry) => entry.runId);
  }

  setMaxConcurrent(n: number): void {
    this.maxConcurrent = Math.max(1, Math.floor(n));
    this.pump();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.stopAll();
    this.options.store.flush();
    this.runChanges.dispose();
    this.runMessages.dispose();
  }

  private pump(): void {
    while (!this.disposed && this.running.size < this.maxConcurrent && this.queue.length > 0) {
      const next = this.queue.shift();
      if (next && this.ensureCreated(next)) this.start(next);
    }
    this.createAhead();
  }

  /** Creates the directories of the next QUEUED_AHEAD queued runs (the ones the user sees waiting). */
  private createAhead(): void {
    if (this.disposed) return;
    for (const entry of this.queue.slice(0, QUEUED_AHEAD)) {
      if (!entry.created && !this.ensureCreated(entry)) {
        this.queue.splice(this.queue.indexOf(entry), 1);
      }
    }
  }

  /** Creates the run's directory if needed; false (the run ends failed, unrecorded) when that is impossible. */
  private ensureCreated(entry: Queued): boolean {
    if (entry.created) return true;
    const { runId, plan, options } = entry;
    try {
      this.options.store.create(plan, { experiment: options.experiment, mode: options.mode, runId });
      entry.created = true;
      return true;
    } catch (error) {
      this.options.logger.error(`[${runId}] cannot create the run directory: ${(error as Error).message}`);
      this.finish(runId, 'failed', false);
      return false;
    }
  }

  private start(entry: Queued): void {
    const { store, logger } = this.options;
    const { runId, plan, options } = entry;
    const backend: BackendChoice = options.backend ?? 'auto';
    const budget = options.memoryBudgetMB ?? this.options.memoryBudgetMB;
    if (!existsSync(this.options.trainerPath)) {
      const message = `trainer not found at ${this.options.trainerPath}; build it with \`node esbuild.mjs\``;
      logger.error(`[${runId}] ${message}`);
      store.setStatus(runId, 'failed', { reason: 'internal', message });
      this.finish(runId, 'failed', false);
      return;
    }
    const trainer = new TrainerProcess({
      trainerPath: this.options.trainerPath,
      logger,
      backend,
      label: runId,
      ...(this.execPath ? { execPath: this.execPath } : {}),
      ...(this.options.env ? { env: this.options.env } : {}),
      ...(this.options.execArgv ? { execArgv: this.options.execArgv } : {}),
    });
    const active: Active = { ...entry, trainer, stopping: false };
    this.running.set(runId, active);
    store.patchMeta(runId, {
      executor: { kind: 'local', ...(trainer.pid !== undefined ? { pid: trainer.pid } : {}) },
    });
    store.setStatus(runId, 'running');
    this.runChanges.fire({ runId, status: 'running' });
    logger.info(`[${runId}] started trainer pid ${trainer.pid ?? '?'} (${plan.name}, backend ${backend})`);
    trainer.onStderr((line) => store.appendLog(runId, `[stderr] ${line}`));
    trainer.onMessage((message) => {
      if (message.type === 'ready' && !active.stopping) {
        trainer.send({
          type: 'start',
          runId,
          mode: options.mode,
          config: plan.config,
          baseDir: dirname(options.experiment),
          runDir: store.runDir(runId),
          ...(plan.fold !== undefined ? { fold: plan.fold } : {}),
          ...(options.workspaceRoot !== undefined ? { workspaceRoot: options.workspaceRoot } : {}),
          ...(options.allowOutsideWorkspace !== undefined
            ? { allowOutsideWorkspace: options.allowOutsideWorkspace }
            : {}),
          ...(options.probeInput !== undefined ? { probeInput: options.probeInput } : {}),
          ...(this.options.probeSamples !== undefined ? { probeSamples: this.options.probeSamples } : {}),
          ...(budget !== undefined ? { memoryBudgetMB: budget } : {}),
        });
      }
      if ('runId' in message && message.runId !== runId) {
        logger.warn(`[${runId}] ignored a ${message.type} message for another run (${message.runId})`);
        return;
      }
      store.record(runId, message);
      if (!active.stopping && store.isDiskFull(runId)) {
        // Nothing more can be recorded: the run is failed (disk-full); its trainer stops instead of training blind.
        active.stopping = true;
        void trainer.stop(this.options.stopGraceMs ?? STOP_GRACE_MS);
      }
      this.runMessages.fire({ runId, message });
      if (message.type === 'log') logger[message.level](`[${runId}] ${message.message}`);
      if (message.type === 'finished' || message.type === 'failed') {
        // The trainer exits by itself after its last message; one that hangs is killed so its slot frees.
        const timer = setTimeout(() => trainer.kill(), this.options.stopGraceMs ?? STOP_GRACE_MS);
        trainer.onExit(() => clearTimeout(timer));
      }
    });
    trainer.onExit((exit) => this.exited(active, exit));
  }

  private exited(active: Active, exit: TrainerExit): void {
    const { store, logger } = this.options;
    const { runId } = active;
    this.running.delete(runId);
    active.trainer.dispose();
    const meta = store.readMeta(runId);
    if (meta && !isTerminal(meta.status)) {
      const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code ?? '?'}`;
      let failure: NonNullable<RunMeta['failure']>;
      let status: RunStatus;
      if (exit.error) {
        status = 'failed';
        failure = { reason: 'internal', message: exit.error };
      } else if (active.stopping) {
        status = 'stopped';
        failure = { reason: 'stopped', message: `stopped by the user (trainer ended with ${how})` };
      } else {
        status = 'failed';
        failure = {
          reason: 'crashed',
          message: `the trainer process ended with ${how} before it finished${oomHint(exit)}`,
        };
      }
      store.setStatus(runId, status, failure);
      logger.warn(`[${runId}] ${failure.message}`);
    }
    this.finish(runId, store.readMeta(runId)?.status ?? 'failed', false);
    this.pump();
  }

  /** Sets a terminal status (when `write`), fires the change and resolves whenDone() waiters. */
  private finish(runId: RunId, status: RunStatus, write = true): void {
    if (write) this.options.store.setStatus(runId, status);
    else if (!this.options.store.readMeta(runId)) this.unrecorded.set(runId, status);
    this.runChanges.fire({ runId, status });
    for (const resolve of this.waiters.get(runId) ?? []) resolve(status);
    this.waiters.delete(runId);
  }
}

/** SIGKILL without a stop request is what the Linux OOM killer does; say so. */
function oomHint(exit: TrainerExit): string {
  return exit.signal === 'SIGKILL' ? ' (killed: out of memory, or killed by another process)' : '';
}
