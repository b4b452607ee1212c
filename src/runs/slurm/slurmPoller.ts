/**
 * Follows live Slurm runs: every poll asks squeue for each array job (scontrol only when a task has ended, for
 * its exit code and output file), reads the runs' own status from the store, and records an end for tasks Slurm
 * ended without the run noticing (cancelled before start, killed, out of time or memory).
 */
import { decideTask, isSlurmTerminal } from '../../core/slurm/status';
import type { SlurmTaskState } from '../../core/slurm/parse';
import type { RunId } from '../../protocol/ids';

import type { RunMeta, RunStoreApi } from '../runTypes';
import type { SlurmCli } from './slurmCli';
import { patchRunMeta, readOutputTail, taskOutputPath } from './sweepFiles';
import { isTerminal, type RunStatus } from '../../core/runStatus';

/** One followed run. `status` is the last status seen in the store; `state` the last Slurm state. */
export interface Tracked {
  runId: RunId;
  jobId: string;
  taskId: number;
  /** The submission directory (task output files). */
  dir: string;
  status: RunStatus;
  state?: string;
  /** Set by the executor when it scancels the task or its job. */
  cancelRequested?: boolean;
}

type Logger = { info(m: string): void; warn(m: string): void; error(m: string): void };

export class SlurmPoller {
  private readonly tracked = new Map<RunId, Tracked>();
  private readonly waiters = new Map<RunId, ((status: RunStatus) => void)[]>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private disposed = false;

  constructor(
    private readonly store: RunStoreApi,
    private readonly slurm: SlurmCli,
    private readonly log: Logger,
    private readonly pollMs: number,
    private readonly changed: (change: { runId: RunId; status: RunStatus }) => void,
  ) {}

  track(entry: Tracked): void {
    this.tracked.set(entry.runId, entry);
    this.schedule(this.pollMs);
  }

  has(runId: RunId): boolean {
    return this.tracked.has(runId);
  }

  get(runId: RunId): Tracked | undefined {
    return this.tracked.get(runId);
  }

  all(): Tracked[] {
    return [...this.tracked.values()];
  }

  /** Resolves with the final status once the run ends; rejects after `timeoutMs` if given. */
  whenDone(runId: RunId, timeoutMs?: number): Promise<RunStatus> {
    const meta = this.store.list().find((m) => m.runId === runId);
    if (!this.tracked.has(runId)) {
      return meta ? Promise.resolve(meta.status) : Promise.reject(new Error(`unknown run ${runId}`));
    }
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(
              () => reject(new Error(`run ${runId} did not end within ${timeoutMs / 1000} s`)),
              timeoutMs,
            );
      const list = this.waiters.get(runId) ?? [];
      this.timer?.ref(); // someone waits: keep the process alive until the run ends
      list.push((status) => {
        if (timer) clearTimeout(timer);
        resolve(status);
      });
      this.waiters.set(runId, list);
    });
  }

  /** Polls in ~200 ms (after a cancel, so the change shows quickly). */
  pollSoon(): void {
    this.schedule(200);
  }

  /** One poll of every followed job; concurrent calls share the poll in progress. */
  poll(): Promise<void> {
    this.running ??= this.pollJobs().finally(() => {
      this.running = undefined;
      if (this.tracked.size > 0) this.schedule(this.pollMs);
    });
    return this.running;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.tracked.clear();
  }

  private schedule(ms: number): void {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.poll().catch((error: unknown) =>
        this.log.warn(`slurm: poll failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    }, ms);
    // Polling alone never keeps a process alive; a pending whenDone does.
    if (this.waiters.size === 0) this.timer.unref();
  }

  private async pollJobs(): Promise<void> {
    const byJob = new Map<string, Tracked[]>();
    for (const t of this.tracked.values()) byJob.set(t.jobId, [...(byJob.get(t.jobId) ?? []), t]);
    if (byJob.size === 0) return;
    this.store.refresh();
    const metas = new Map(this.store.list().map((meta) => [meta.runId, meta]));
    for (const [jobId, runs] of byJob) {
      const tasks = await this.taskStates(jobId, runs, metas);
      for (const t of runs) this.update(t, metas.get(t.runId), tasks);
    }
    this.store.refresh();
  }

  /** squeue states, refined with scontrol (exit code, output file) when a followed task has ended or vanished. */
  private async taskStates(
    jobId: string,
    runs: Tracked[],
    metas: Map<RunId, RunMeta>,
  ): Promise<Map<number, SlurmTaskState> | undefined> {
    const queued = await this.slurm.squeue(jobId);
    const states = new Map((queued ?? []).map((t) => [t.taskId, t]));
    const ended = runs.some((t) => {
      const task = states.get(t.taskId);
      return !task || isSlurmTerminal(task.state) || isTerminal(metas.get(t.runId)?.status ?? 'queued');
    });
    if (!ended) return states;
    const detailed = await this.slurm.scontrol(jobId);
    if (!detailed && !queued) return undefined;
    for (const task of detailed ?? []) states.set(task.taskId, { ...states.get(task.taskId), ...task });
    return states;
  }

  private update(
    t: Tracked,
    meta: RunMeta | undefined,
    tasks: Map<number, SlurmTaskState> | undefined,
  ): void {
    const task = tasks?.get(t.taskId);
    if (!meta) {
      this.log.warn(`slurm: run ${t.runId} disappeared from the store; no longer following it`);
      this.untrack(t, t.status);
      return;
    }
    if (task) t.state = task.state;
    const output = task?.stdOut ?? taskOutputPath(t.dir, t.jobId, t.taskId);
    const decision = decideTask(meta.status, task, () => readOutputTail(output), {
      jobKnown: tasks !== undefined && tasks.size > 0,
      cancelRequested: t.cancelRequested === true,
    });
    let status = meta.status;
    if (decision.action === 'end') {
      const ended = patchRunMeta(this.store.root, t.runId, (m) => {
        if (isTerminal(m.status)) {
          // The task recorded its end between our read and now: keep it, add the final Slurm state.
          if (task) m.executor = { kind: 'slurm', jobId: t.jobId, taskId: t.taskId, state: task.state };
          return;
        }
        m.status = decision.status;
        m.endedAt = new Date().toISOString();
        m.failure = {
          reason: decision.status === 'cancelled' ? 'stopped' : 'crashed',
          message: decision.message,
        };
        m.executor = { kind: 'slurm', jobId: t.jobId, taskId: t.taskId, state: decision.state };
      });
      status = ended?.status ?? decision.status;
      this.log.info(
        `slurm: run ${t.runId} (task ${t.jobId}_${t.taskId}) ${status}: ${decision.message.split('\n')[0] ?? ''}`,
      );
    } else if (isTerminal(meta.status) && (!task || isSlurmTerminal(task.state))) {
      if (task && meta.executor?.kind === 'slurm' && meta.executor.state !== task.state) {
        patchRunMeta(this.store.root, t.runId, (m) => {
          m.executor = { kind: 'slurm', jobId: t.jobId, taskId: t.taskId, state: task.state };
        });
      }
    } else {
      if (status !== t.status) this.notify(t, status);
      return;
    }
    this.untrack(t, status);
  }

  private notify(t: Tracked, status: RunStatus): void {
    t.status = status;
    this.changed({ runId: t.runId, status });
  }

  private untrack(t: Tracked, status: RunStatus): void {
    this.tracked.delete(t.runId);
    if (status !== t.status) this.notify(t, status);
    for (const resolve of this.waiters.get(t.runId) ?? []) resolve(status);
    this.waiters.delete(t.runId);
  }
}
