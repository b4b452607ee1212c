/**
 * `snn-lab run <file>` and `snn-lab probe <file>`: run plans of an experiment headlessly through the same
 * RunManager/RunStore as the extension, N trainer processes at a time, and report the results.
 */
import { availableParallelism } from 'node:os';
import type { RunPlan } from '../core/config/experimentConfig';
import type { Logger } from '../runs/logger';
import { RunManager } from '../runs/runManager';
import { RunStore, RunStoreError } from '../runs/runStore';
import { createRunsFolder, gitignoreFromEnv } from '../runs/runsFolder';
import type { RunMode, RunOverview } from '../runs/runTypes';
import type { StorageBudget } from '../runs/storageBudget';
import type { RunId } from '../protocol/ids';
import type { BackendChoice } from '../protocol/trainer';
import { CliError, EXIT, trainerPath } from './cliShared';
import { writeErr } from './output';
import { createProgress, type Progress } from './progress';

export interface ExecuteOptions {
  experiment: string;
  plans: RunPlan[];
  runsDir: string;
  mode: RunMode;
  jobs?: number;
  backend?: BackendChoice;
  display: 'tty' | 'lines' | 'quiet';
  probeSamples?: number;
  probeInput?: 'data' | 'normal';
  /** Byte budgets of each run's series files (from --stats-budget-mb / $SNN_LAB_STATS_BUDGET_MB). */
  budget?: StorageBudget;
  /** Trainers refuse a run estimated above this once its data is loaded. */
  memoryBudgetMB?: number;
}

/** The progress display for the current stdout: bars on a TTY, lines otherwise, none for --json. */
export function displayMode(json: boolean | undefined): ExecuteOptions['display'] {
  if (json) return 'quiet';
  return process.stdout.isTTY && process.stderr.isTTY ? 'tty' : 'lines';
}

/** The CLI's logger: warnings and errors to stderr (above the bars), info only with SNN_LAB_VERBOSE. */
function cliLogger(progress: Progress): Logger {
  const verbose = Boolean(process.env.SNN_LAB_VERBOSE);
  return {
    info: (message) => verbose && progress.warn(message),
    warn: (message) => progress.warn(`warning: ${message}`),
    error: (message) => progress.warn(`error: ${message}`),
  };
}

/**
 * Runs the plans (Ctrl-C stops them: runs end as 'stopped', a second Ctrl-C kills) and returns each run's
 * overview (meta, summary; never its statistics file) in plan order.
 */
export async function executePlans(
  options: ExecuteOptions,
): Promise<{ store: RunStore; runs: RunOverview[]; notStarted: number }> {
  const jobs = options.jobs ?? availableParallelism();
  try {
    createRunsFolder(options.runsDir, { gitignore: gitignoreFromEnv() });
  } catch (error) {
    throw new CliError(`cannot create the runs directory ${options.runsDir}: ${(error as Error).message}`);
  }
  const progress = createProgress(options.display);
  const logger = cliLogger(progress);
  const store = new RunStore(options.runsDir, {
    logger,
    ...(options.budget ? { budget: options.budget } : {}),
  });
  const manager = new RunManager({
    trainerPath: trainerPath(),
    store,
    logger,
    maxConcurrent: jobs,
    ...(options.probeSamples !== undefined ? { probeSamples: options.probeSamples } : {}),
    ...(options.memoryBudgetMB !== undefined ? { memoryBudgetMB: options.memoryBudgetMB } : {}),
  });
  manager.onMessage(({ runId, message }) => progress.message(runId, message));
  manager.onDidChangeRun(({ runId, status }) => {
    const failure = store.readMeta(runId)?.failure;
    progress.status(runId, status, failure ? `${failure.reason}: ${failure.message}` : undefined);
  });
  let interrupted = 0;
  const onSigint = (): void => {
    interrupted++;
    if (interrupted > 1) process.exit(130);
    progress.warn('interrupted: stopping runs (Ctrl-C again to quit at once)');
    void manager.stopAll();
  };
  process.on('SIGINT', onSigint);
  let ids: RunId[];
  try {
    ids = manager.enqueue(options.plans, {
      experiment: options.experiment,
      mode: options.mode,
      ...(options.backend ? { backend: options.backend } : {}),
      ...(options.probeInput ? { probeInput: options.probeInput } : {}),
    });
  } catch (error) {
    process.off('SIGINT', onSigint);
    await manager.dispose();
    progress.stop();
    if (error instanceof RunStoreError) throw new CliError(error.message, EXIT.runFailed);
    throw error;
  }
  // Trainers report asynchronously (after their fork), so bars added now see every message.
  ids.forEach((runId, i) =>
    progress.add(runId, options.plans[i]?.name ?? runId, options.plans[i]?.config.train.epochs ?? 0),
  );
  try {
    await Promise.all(ids.map((runId) => manager.whenDone(runId)));
  } finally {
    process.off('SIGINT', onSigint);
    await manager.dispose();
    progress.stop();
  }
  // Runs cancelled before they neared the front of the queue have no directory: nothing was recorded for them.
  const runs = ids
    .map((runId) => store.overview(runId))
    .filter((run): run is RunOverview => run !== undefined);
  const missing = ids.length - runs.length;
  if (missing > 0 && interrupted === 0) {
    throw new CliError(
      `${missing} run${missing === 1 ? '' : 's'} could not start and recorded nothing (the reason is printed above)`,
      EXIT.runFailed,
    );
  }
  if (missing > 0) {
    writeErr(
      `warning: ${missing} queued run(s) were cancelled before they started; nothing was recorded for them\n`,
    );
  }
  return { store, runs, notStarted: missing };
}
