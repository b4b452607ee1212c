/**
 * Builds the vscode-free run machinery for the extension: the run store (after marking runs a dead window left
 * behind as interrupted), the local run manager, the Slurm executor, a stop that routes to whichever owns the run,
 * and a one-time shutdown (stop trainers, grace period, kill; then close the store). In an untrusted workspace
 * nothing read from its files reaches a process: no liveness probes of recorded pids, no squeue of recorded Slurm
 * jobs; `trusted()` does both once the user trusts it. `apply` switches the runs directory and the Node
 * executable while the extension runs.
 */
import type * as vscode from 'vscode';
import type { RunId } from '../protocol/ids';
import { NATIVE_MODULES_ENV } from '../protocol/trainer';
import { isOwnerAlive } from '../runs/liveness';
import { RunManager } from '../runs/runManager';
import { RunStoreSwitch } from '../runs/runStoreSwitch';
import { SlurmExecutor } from '../runs/slurm/slurmExecutor';
import { parseStatsBudgetMb } from '../runs/storageBudget';
import { isActive } from './runLabels';
import { nativeModulesDir } from './nativeBackend';
import type { Settings } from './settings';

export interface RunServices {
  store: RunStoreSwitch;
  runs: RunManager;
  slurm: SlurmExecutor;
  stop(runId: RunId): Promise<void>;
  /**
   * Uses `root` as the runs directory and `settings.nodePath` for new trainers. The directory cannot change while
   * this window runs or follows a run: then nothing changes and the result is 'busy'.
   */
  apply(root: string, settings: Settings, trusted: boolean): 'applied' | 'busy';
  /** The workspace became trusted: apply its settings, recover interrupted runs, follow its Slurm jobs. */
  trusted(root: string, settings: Settings): 'applied' | 'busy';
  /** Idempotent: the first call starts the shutdown, later calls return the same promise. */
  shutdown(): Promise<void>;
}

export function createRunServices(
  context: vscode.ExtensionContext,
  settings: Settings,
  root: string,
  log: vscode.LogOutputChannel,
  options: { trusted: boolean },
): RunServices {
  const node = settings.nodePath ? { execPath: settings.nodePath, nodePath: settings.nodePath } : {};
  const store = new RunStoreSwitch(root, {
    logger: log,
    budget: parseStatsBudgetMb(settings.statsBudgetMB, 'snnLab.statsBudgetMB'),
  });
  const recover = (): void => {
    const recovered = store.recoverInterrupted(isOwnerAlive);
    if (recovered.length > 0) {
      log.warn(`marked ${recovered.length} run(s) interrupted: ${recovered.join(', ')}`);
    }
  };
  if (options.trusted) recover();
  const runs = new RunManager({
    trainerPath: context.asAbsolutePath('dist/trainer.js'),
    store,
    logger: log,
    maxConcurrent: settings.maxConcurrentRuns,
    // Where "Install Native Backend" puts tfjs-node; the trainer looks there first (src/trainer/backend.ts).
    env: { [NATIVE_MODULES_ENV]: nativeModulesDir(context) },
    ...node,
  });
  const slurm = new SlurmExecutor({
    store,
    log,
    cliPath: context.asAbsolutePath('dist/cli.js'),
    reconnect: options.trusted,
    ...node,
  });
  const busy = (): boolean =>
    runs.active().length > 0 ||
    runs.queued().length > 0 ||
    store.list().some((m) => isActive(m.status) && slurm.owns(m.runId));
  const apply = (next: string, s: Settings, trusted: boolean): 'applied' | 'busy' => {
    runs.setExecPath(s.nodePath || undefined);
    slurm.setNodePath(s.nodePath || undefined);
    if (next === store.root) return 'applied';
    if (busy()) return 'busy';
    store.switchTo(next);
    log.info(`runs directory: ${next}`);
    if (trusted) {
      recover();
      slurm.reconnect();
    }
    return 'applied';
  };
  let closing: Promise<void> | undefined;
  return {
    store,
    runs,
    slurm,
    stop: (runId) => (slurm.owns(runId) ? slurm.stop(runId) : runs.stop(runId)),
    apply,
    trusted: (next, s) => {
      const before = store.root;
      const result = apply(next, s, true);
      if (store.root === before) {
        recover();
        slurm.reconnect();
      }
      return result;
    },
    shutdown: () =>
      (closing ??= runs.dispose().finally(() => {
        slurm.dispose();
        store.dispose();
      })),
  };
}
