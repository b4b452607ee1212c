/**
 * Inside a Slurm array task: trains one run that the executor pre-created (queued) in the shared run store,
 * recording every trainer message into that run directory exactly as the run store does for local runs.
 * SIGTERM (scancel, time limit, preemption) ends the run as 'cancelled'.
 */
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { RunId } from '../../protocol/ids';
import type { TrainerToHost } from '../../protocol/trainer';
import type { Logger } from '../logger';
import { readJsonFile } from '../runFiles';
import { RUN_FILES, migrateRunConfigFile, migrateRunMeta } from '../runSchema';
import type { RunMeta } from '../runTypes';
import { RunWriter } from '../runWriter';
import { DEFAULT_STORAGE_BUDGET, type StorageBudget } from '../storageBudget';
import { STOP_GRACE_MS, TrainerProcess } from '../trainerProcess';
import { isTerminal } from '../../core/runStatus';

export interface TaskOptions {
  runsDir: string;
  runId: RunId;
  /** Absolute path of dist/trainer.js. */
  trainerPath: string;
  logger: Logger;
  /** Minimum ms between meta.json rewrites for progress (status changes are written at once). Default 1000. */
  progressFlushMs?: number;
  /** Byte budgets of the run's series files (default DEFAULT_STORAGE_BUDGET). */
  budget?: StorageBudget;
}

/** Runs the task; resolves to the process exit code (0 finished, 1 failed/diverged/stopped, 143 on SIGTERM). */
export async function runSlurmTask(options: TaskOptions): Promise<number> {
  const { runsDir, runId, logger } = options;
  const dir = join(runsDir, runId);
  const read = (file: string): unknown => readJsonFile(join(dir, file));
  const meta: RunMeta = migrateRunMeta(read(RUN_FILES.meta), `${runId}/${RUN_FILES.meta}`);
  const { plan, config } = migrateRunConfigFile(read(RUN_FILES.config), `${runId}/${RUN_FILES.config}`);
  if (!config) {
    throw new Error(
      `${runId}/${RUN_FILES.config} holds no SNN Lab configuration (a run from another source)`,
    );
  }
  if (isTerminal(meta.status)) {
    logger.warn(`run ${runId} already ended (${meta.status}); not training it again`);
    return meta.status === 'finished' ? 0 : 1;
  }
  const writer = new RunWriter({
    dir,
    meta,
    budget: options.budget ?? DEFAULT_STORAGE_BUDGET,
    statsEverySteps: config.stats.everySteps,
    progressFlushMs: options.progressFlushMs ?? 1000,
    warn: (message) => logger.warn(message),
  });
  const writeMeta = (): void => void writer.writeMeta(true);
  const log = (line: string): void => writer.appendLog(line);
  const env = process.env;
  const previous = meta.executor?.kind === 'slurm' ? meta.executor : undefined;
  meta.executor = {
    kind: 'slurm',
    jobId: env.SLURM_ARRAY_JOB_ID ?? previous?.jobId ?? '',
    taskId: Number(env.SLURM_ARRAY_TASK_ID ?? previous?.taskId ?? 0),
    state: 'RUNNING',
  };
  meta.owner = { pid: process.pid, hostname: hostname() };
  // Running from the moment the task holds its node, as a local run is from its trainer's start.
  Object.assign(meta, { status: 'running', startedAt: new Date().toISOString() });
  writeMeta();
  logger.info(`run ${runId} (${meta.name}) on ${hostname()}, pid ${process.pid}`);

  let signalled: NodeJS.Signals | undefined;
  const trainer = new TrainerProcess({
    trainerPath: options.trainerPath,
    logger,
    label: runId,
    // Marks the trainer as this run's, so it can be found (e.g. to check that scancel ended it).
    env: { SNN_LAB_RUN_ID: runId },
  });
  trainer.onStderr((line) => log(`[stderr] ${line}`));
  const record = (message: TrainerToHost): void => {
    writer.record(message);
    // Nothing more can be recorded on a full disk: the run is failed (disk-full), so its trainer stops.
    if (writer.diskFull && !signalled) trainer.kill();
  };
  trainer.onMessage((message) => {
    if (message.type === 'ready') {
      trainer.send({
        type: 'start',
        runId,
        mode: meta.mode,
        config,
        baseDir: dirname(meta.experiment),
        runDir: dir,
        ...(plan.fold !== undefined ? { fold: plan.fold } : {}),
      });
    }
    if ('runId' in message && message.runId !== runId) return;
    record(message);
    if (message.type === 'log') logger[message.level](message.message);
    if (message.type === 'finished' || message.type === 'failed') {
      // The trainer exits by itself after its last message; one that hangs is killed so the task ends.
      const timer = setTimeout(() => trainer.kill(), STOP_GRACE_MS);
      trainer.onExit(() => clearTimeout(timer));
    }
  });

  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) return;
    signalled = signal;
    if (!isTerminal(meta.status)) {
      meta.status = 'cancelled';
      meta.endedAt = new Date().toISOString();
      meta.failure = {
        reason: 'stopped',
        message: `cancelled by Slurm (${signal}: scancel, time limit or preemption)`,
      };
      writeMeta();
    }
    logger.warn(`received ${signal}; run ${runId} cancelled`);
    trainer.kill();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const exit = await trainer.whenExited();
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  if (!isTerminal(meta.status)) {
    const why =
      exit.error ??
      `the trainer exited (code ${exit.code ?? '-'}, signal ${exit.signal ?? '-'}) without finishing`;
    meta.status = 'failed';
    meta.endedAt = new Date().toISOString();
    meta.failure = { reason: 'crashed', message: why };
    logger.error(`run ${runId}: ${why}`);
  }
  // The final Slurm state (COMPLETED, FAILED, ...) is only known after this process exits; the executor records it.
  if (meta.executor.kind === 'slurm') delete meta.executor.state;
  writeMeta();
  trainer.dispose();
  logger.info(`run ${runId} ${meta.status}`);
  if (signalled) return 143;
  return meta.status === 'finished' ? 0 : 1;
}
