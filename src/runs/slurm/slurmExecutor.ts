/**
 * Runs a sweep as one Slurm job array (task i fills run i of the shared run store) and follows it by polling
 * squeue/scontrol, so runs move queued -> running -> finished/failed/cancelled as with local runs. vscode-free.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { RunPlan, SlurmExecutorConfig } from '../../core/config/experimentConfig';
import { Emitter, type Event } from '../../core/events';
import { arraySpec, renderBatchScript } from '../../core/slurm/batchScript';
import { explainSbatchFailure } from '../../core/slurm/status';
import { assertSlurmConfig } from '../../core/slurm/validate';
import type { RunId } from '../../protocol/ids';
import { makeRunId } from '../runId';

import { RunStore } from '../runStore';
import type { RunMeta, RunStoreApi } from '../runTypes';
import { SlurmMissingError, runTool, systemSlurm, type SlurmCli } from './slurmCli';
import { SlurmPoller, type Tracked } from './slurmPoller';
import {
  copyBundle,
  makeSubmissionDir,
  readSubmissions,
  writeSubmission,
  type Submission,
} from './sweepFiles';
import { isTerminal, type RunStatus } from '../../core/runStatus';

/** How long after a run ended Slurm is still asked for its final state (Slurm's default MinJobAge is 300 s). */
const FINAL_STATE_WINDOW_MS = 10 * 60_000;

function awaitsFinalState(meta: RunMeta): boolean {
  if (meta.executor?.kind !== 'slurm' || meta.executor.state !== undefined || !meta.endedAt) return false;
  return Date.now() - Date.parse(meta.endedAt) < FINAL_STATE_WINDOW_MS;
}

export interface SlurmExecutorOptions {
  store: RunStoreApi;
  log: { info(m: string): void; warn(m: string): void; error(m: string): void };
  /**
   * Absolute path of dist/cli.js. At submission it is copied, with trainer.js and the wasm (and MNIST) files beside
   * it, into the sweep's folder, and tasks run that copy (`node <sweep>/bundle/cli.js slurm task ...`).
   */
  cliPath: string;
  /** Node binary for the tasks (default: this process's). */
  nodePath?: string;
  /** ms between squeue polls while tasks are live (default 3000). */
  pollMs?: number;
  /**
   * Follow the live jobs of earlier submissions found in the store at once (default true). The extension passes
   * false in an untrusted workspace (job ids read from its files must reach no process) and calls reconnect()
   * once the workspace is trusted.
   */
  reconnect?: boolean;
  /** Slurm client tools (default: the real ones on PATH). */
  slurm?: SlurmCli;
}

export class SlurmExecutor {
  private readonly changes = new Emitter<{ runId: RunId; status: RunStatus }>();
  /** Fires when a run this executor follows changes status (as recorded by its task, or as Slurm ended it). */
  readonly onDidChangeRun: Event<{ runId: RunId; status: RunStatus }> = this.changes.event;
  private readonly slurm: SlurmCli;
  private readonly poller: SlurmPoller;
  private nodePath: string | undefined;

  constructor(private readonly opts: SlurmExecutorOptions) {
    this.slurm = opts.slurm ?? systemSlurm();
    this.poller = new SlurmPoller(opts.store, this.slurm, opts.log, opts.pollMs ?? 3000, (change) =>
      this.changes.fire(change),
    );
    this.nodePath = opts.nodePath;
    if (opts.reconnect !== false) this.reconnect();
  }

  /** The Node executable array tasks use from the next submission on (undefined: this process's). */
  setNodePath(nodePath: string | undefined): void {
    this.nodePath = nodePath;
  }

  /**
   * Follows again the live runs of earlier submissions in this store (e.g. after a window reload), and runs that
   * ended recently without their final Slurm state recorded (it is only known after the task has exited).
   */
  reconnect(): RunId[] {
    const metas = new Map(this.opts.store.list().map((meta) => [meta.runId, meta]));
    const found: RunId[] = [];
    for (const submission of readSubmissions(this.opts.store.root, (m) => this.opts.log.warn(m))) {
      if (!submission.jobId) continue;
      submission.runIds.forEach((runId, taskId) => {
        const meta = metas.get(runId);
        if (!meta || this.poller.has(runId) || (isTerminal(meta.status) && !awaitsFinalState(meta))) return;
        this.poller.track({
          runId,
          jobId: submission.jobId,
          taskId,
          dir: submission.dir,
          status: meta.status,
        });
        found.push(runId);
      });
    }
    if (found.length > 0) {
      this.opts.log.info(`slurm: following ${found.length} run(s) of earlier submissions`);
    }
    return found;
  }

  /**
   * Creates one queued run per plan, writes the batch script beside the runs and submits it as one job array
   * (held until every run knows its job id, then released). Resolves to the run ids in plan order.
   */
  async submit(
    plans: RunPlan[],
    options: { experiment: string; executor: SlurmExecutorConfig },
  ): Promise<RunId[]> {
    if (plans.length === 0) throw new Error('nothing to submit: the experiment expands to no runs');
    const { store, log } = this.opts;
    const executor = options.executor;
    assertSlurmConfig(executor);
    const experiment = resolve(options.experiment);
    if (executor.runsDir !== undefined && resolve(executor.runsDir) !== resolve(store.root)) {
      log.warn(
        `slurm: executor.runsDir ${executor.runsDir} differs from the run store ${store.root}; using the run store`,
      );
    }
    await this.checkSlurm(executor);
    const sweepName = basename(experiment).replace(/(\.snn)?\.(jsonc?|ya?ml)$/i, '');
    const dir = makeSubmissionDir(store.root, makeRunId(sweepName));
    const writer = new RunStore(store.root, { logger: log });
    const runIds = plans.map((plan, taskId) =>
      writer.create(plan, { experiment, mode: 'train', executor: { kind: 'slurm', jobId: '', taskId } }),
    );
    const fail = (message: string): Error => {
      for (const runId of runIds) writer.setStatus(runId, 'failed', { reason: 'internal', message });
      writer.dispose();
      store.refresh();
      return new Error(message);
    };
    const scriptPath = join(dir, 'job.sh');
    let jobId: string;
    try {
      // The job runs a copy of the bundle inside the sweep's folder: an extension update (which replaces the
      // folder cliPath is in) must not break jobs still waiting in the queue.
      const bundledCli = copyBundle(resolve(this.opts.cliPath), dir, {
        mnist: plans.some((plan) => plan.config.data.source === 'mnist'),
      });
      const script = renderBatchScript({
        jobName: `snn-lab:${sweepName}`,
        experiment,
        runsDir: resolve(store.root),
        logDir: dir,
        runIds,
        runNames: plans.map((plan) => plan.name),
        nodePath: this.nodePath ?? process.execPath,
        cliPath: bundledCli,
        executor,
        generatedBy: new Date().toISOString(),
      });
      writeFileSync(scriptPath, script);
      chmodSync(scriptPath, 0o755);
      const result = await this.slurm.sbatch(scriptPath, { cwd: dir, hold: true });
      if ('error' in result) {
        throw new Error(
          explainSbatchFailure(result.error, executor.partition, await this.slurm.partitions()),
        );
      }
      jobId = result.jobId;
    } catch (error) {
      throw fail(error instanceof Error ? error.message : String(error));
    }
    runIds.forEach((runId, taskId) =>
      writer.patchMeta(runId, { executor: { kind: 'slurm', jobId, taskId, state: 'PENDING' } }),
    );
    const submission: Submission = {
      schemaVersion: 1,
      jobId,
      experiment,
      runIds,
      array: arraySpec(runIds.length, executor.parallel),
      submittedAt: new Date().toISOString(),
      dir,
    };
    writeSubmission(submission);
    const released = await this.slurm.release(jobId);
    if (released.code !== 0) {
      await this.slurm.scancel(jobId);
      throw fail(`Slurm accepted job ${jobId} but would not release it from hold: ${released.stderr.trim()}`);
    }
    writer.dispose();
    store.refresh();
    log.info(
      `slurm: submitted job array ${jobId} (${submission.array}) for ${runIds.length} run(s); script ${scriptPath}`,
    );
    runIds.forEach((runId, taskId) => {
      this.poller.track({ runId, jobId, taskId, dir, status: 'queued' });
      this.changes.fire({ runId, status: 'queued' });
    });
    return runIds;
  }

  /** True while this executor follows the run (submitted or reconnected, not yet ended). */
  owns(runId: RunId): boolean {
    return this.poller.has(runId);
  }

  /** The array job id of a followed run. */
  jobOf(runId: RunId): string | undefined {
    return this.poller.get(runId)?.jobId;
  }

  /** The last Slurm state seen for a followed run (PENDING, RUNNING, ...). */
  slurmState(runId: RunId): string | undefined {
    return this.poller.get(runId)?.state;
  }

  /** Cancels the run's array task (`scancel <job>_<task>`) and resolves once the run has ended (<= 60 s). */
  async stop(runId: RunId): Promise<void> {
    const tracked = this.poller.get(runId);
    if (!tracked) throw new Error(`run ${runId} is not a live Slurm run of this executor`);
    tracked.cancelRequested = true;
    await this.cancel(`${tracked.jobId}_${tracked.taskId}`);
    await this.poller.whenDone(runId, 60_000);
  }

  /** Cancels every task of an array job. */
  async stopJob(jobId: string): Promise<void> {
    const runs = this.poller.all().filter((t: Tracked) => t.jobId === jobId);
    for (const t of runs) t.cancelRequested = true;
    await this.cancel(jobId);
    await Promise.all(runs.map((t) => this.poller.whenDone(t.runId, 60_000)));
  }

  /** Resolves with the run's final status (polling Slurm until it ends). */
  whenDone(runId: RunId, timeoutMs?: number): Promise<RunStatus> {
    return this.poller.whenDone(runId, timeoutMs);
  }

  /** Polls Slurm once now (the CLI's `slurm status`). */
  pollNow(): Promise<void> {
    return this.poller.poll();
  }

  /** Stops polling. Submitted jobs keep running on the cluster; a new executor reconnects to them. */
  dispose(): void {
    this.poller.dispose();
    this.changes.dispose();
  }

  private async cancel(target: string): Promise<void> {
    const result = await this.slurm.scancel(target);
    if (result.code !== 0) {
      throw new Error(`scancel ${target} failed: ${result.stderr.trim() || `exit ${result.code}`}`);
    }
    this.opts.log.info(`slurm: cancelled ${target}`);
    this.poller.pollSoon();
  }

  private async checkSlurm(executor: SlurmExecutorConfig): Promise<void> {
    if (!this.opts.slurm) {
      const version = await runTool('sbatch', ['--version']).catch((error: unknown) => {
        if (error instanceof SlurmMissingError) throw error;
        throw new Error(`sbatch does not run: ${String(error)}`);
      });
      if (version.code !== 0) throw new Error(`sbatch --version failed: ${version.stderr.trim()}`);
    }
    if (executor.partition === undefined) return;
    const partitions = await this.slurm.partitions();
    const missing = executor.partition.split(',').filter((p) => !partitions.includes(p));
    if (partitions.length > 0 && missing.length > 0) {
      throw new Error(
        `Slurm partition "${missing.join(',')}" does not exist on this cluster (sinfo lists: ${partitions.join(', ')}); fix executor.partition or the snnLab.slurm.partition setting`,
      );
    }
  }
}
