/**
 * Builds the vscode-free run machinery for the extension: the run store (after marking runs a dead window left
 * behind as interrupted), the local run manager, the Slurm executor, a stop that routes to whichever owns the run,
 * and a one-time shutdown (stop trainers, grace period, kill; then close the store).
 */
import type * as vscode from 'vscode';
import type { RunId } from '../protocol/ids';
import { isOwnerAlive } from '../runs/liveness';
import { RunManager } from '../runs/runManager';
import { RunStore } from '../runs/runStore';
import { SlurmExecutor } from '../runs/slurm/slurmExecutor';
import { parseStatsBudgetMb } from '../runs/storageBudget';
import type { Settings } from './settings';

export interface RunServices {
  store: RunStore;
  runs: RunManager;
  slurm: SlurmExecutor;
  stop(runId: RunId): Promise<void>;
  /** Idempotent: the first call starts the shutdown, later calls return the same promise. */
  shutdown(): Promise<void>;
}

export function createRunServices(
  context: vscode.ExtensionContext,
  settings: Settings,
  root: string,
  log: vscode.LogOutputChannel,
): RunServices {
  const node = settings.nodePath ? { execPath: settings.nodePath, nodePath: settings.nodePath } : {};
  const store = new RunStore(root, {
    logger: log,
    budget: parseStatsBudgetMb(settings.statsBudgetMB, 'snnLab.statsBudgetMB'),
  });
  const recovered = store.recoverInterrupted(isOwnerAlive);
  if (recovered.length > 0) {
    log.warn(`marked ${recovered.length} run(s) interrupted: ${recovered.join(', ')}`);
  }
  const runs = new RunManager({
    trainerPath: context.asAbsolutePath('dist/trainer.js'),
    store,
    logger: log,
    maxConcurrent: settings.maxConcurrentRuns,
    ...node,
  });
  const slurm = new SlurmExecutor({ store, log, cliPath: context.asAbsolutePath('dist/cli.js'), ...node });
  let closing: Promise<void> | undefined;
  return {
    store,
    runs,
    slurm,
    stop: (runId) => (slurm.owns(runId) ? slurm.stop(runId) : runs.stop(runId)),
    shutdown: () =>
      (closing ??= runs.dispose().finally(() => {
        slurm.dispose();
        store.dispose();
      })),
  };
}
