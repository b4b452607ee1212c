/**
 * Starts the runs an action asks for: checks workspace trust, loads and validates the experiment, selects its
 * plans, refuses data paths outside the workspace (unless allowed), then queues them on the local RunManager or
 * submits them to Slurm. Returns the new run ids (the e2e tests await them).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExperimentFile, RunPlan, SlurmExecutorConfig } from '../core/config/experimentConfig';
import type { Event } from '../core/events';
import type { PlanLimits } from '../core/config/limits';
import type { RunId } from '../protocol/ids';
import { pathsOutsideWorkspace } from './dataPolicy';
import { UserError } from './errors';
import { selectPlans, withStatsCadence, type PlanTarget } from './planSelection';
import type { RunManagerApi, RunMode } from '../runs/runTypes';
import type { Settings } from './settings';
import { requireTrust } from './trust';
import type { RunStatus } from '../core/runStatus';

/** The part of helper G's SlurmExecutor the host uses. */
export interface SlurmSubmitter {
  submit(plans: RunPlan[], opts: { experiment: string; executor: SlurmExecutorConfig }): Promise<RunId[]>;
  owns(runId: RunId): boolean;
  stop(runId: RunId): Promise<void>;
  readonly onDidChangeRun: Event<{ runId: RunId; status: RunStatus }>;
}

export interface LoadedExperiment {
  file: ExperimentFile;
  plans: RunPlan[];
}

export interface LauncherDeps {
  runs: RunManagerApi;
  slurm: SlurmSubmitter | undefined;
  log: vscode.LogOutputChannel;
  settings: () => Settings;
  load: (experimentPath: string, limits: PlanLimits) => Promise<LoadedExperiment>;
}

const VERB: Record<PlanTarget['kind'], string> = {
  run: 'start runs',
  sweep: 'run a sweep',
  variant: 'start runs',
  probe: 'probe at init',
};

export class RunLauncher {
  constructor(private readonly deps: LauncherDeps) {}

  /** Queues (or submits) the runs of `target` in the experiment at `experimentPath`. */
  async launch(experimentPath: string, target: PlanTarget): Promise<RunId[]> {
    requireTrust(VERB[target.kind]);
    await saveIfDirty(experimentPath);
    const settings = this.deps.settings();
    const { file, plans: all } = await this.deps.load(experimentPath, settings.limits);
    const plans = withStatsCadence(selectPlans(all, target), settings.statsEverySteps);
    if (plans.length === 0) throw new UserError(`${path.basename(experimentPath)} expands to no runs.`);
    const uri = vscode.Uri.file(experimentPath);
    const workspaceRoot =
      vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(experimentPath);
    await this.checkDataPaths(plans, experimentPath, workspaceRoot, settings);
    const mode: RunMode = target.kind === 'probe' ? 'probe' : 'train';
    const slurm =
      target.kind === 'sweep' && (file.executor.kind === 'slurm' || settings.executor === 'slurm');
    const label = `${plans.length} run${plans.length === 1 ? '' : 's'} of ${path.basename(experimentPath)}`;
    if (slurm) {
      if (!this.deps.slurm) {
        throw new UserError('The Slurm executor is not available in this build of SNN Lab.');
      }
      const executor: SlurmExecutorConfig = {
        ...settings.slurm,
        ...(file.executor.kind === 'slurm' ? file.executor : {}),
      };
      this.deps.log.info(`submitting ${label} to Slurm (${JSON.stringify(executor)})`);
      return this.deps.slurm.submit(plans, { experiment: experimentPath, executor });
    }
    this.deps.runs.setMaxConcurrent(settings.maxConcurrentRuns);
    const ids = this.deps.runs.enqueue(plans, {
      experiment: experimentPath,
      mode,
      backend: settings.backend,
      workspaceRoot,
      allowOutsideWorkspace: settings.allowDatasetsOutsideWorkspace,
      memoryBudgetMB: settings.limits.memoryBudgetMB,
    });
    this.deps.log.info(`queued ${label} (${mode}, backend ${settings.backend}): ${ids.join(', ')}`);
    return ids;
  }

  private async checkDataPaths(
    plans: RunPlan[],
    experimentPath: string,
    root: string,
    settings: Settings,
  ): Promise<void> {
    if (settings.allowDatasetsOutsideWorkspace) return;
    const outside = await pathsOutsideWorkspace(plans, experimentPath, root);
    if (outside.length === 0) return;
    throw new UserError(
      `${path.basename(experimentPath)} reads data outside the workspace (${outside.join(', ')}). ` +
        'Move the file into the workspace, or allow it with the setting snnLab.allowDatasetsOutsideWorkspace.',
      [
        {
          title: 'Open Setting',
          command: 'workbench.action.openSettings',
          args: ['snnLab.allowDatasetsOutsideWorkspace'],
        },
      ],
    );
  }
}

/** Saves an open, modified editor of the experiment so the run uses what the user sees. */
async function saveIfDirty(experimentPath: string): Promise<void> {
  const doc = vscode.workspace.textDocuments.find(
    (d) => d.uri.scheme === 'file' && d.uri.fsPath === experimentPath,
  );
  if (doc?.isDirty && !(await doc.save())) {
    throw new UserError(`Could not save ${path.basename(experimentPath)}; the run was not started.`);
  }
}
