/**
 * Command handlers, one small function per id in COMMAND_IDS, and registerCommands, which wraps each handler so
 * that a failure is shown once and logged with its stack. Handlers accept no arguments (they ask), a run id, a
 * runs-tree item, arrays (multi-select) or an experiment Uri, as commandArgs.ts describes.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { asRunId, type RunId } from '../protocol/ids';
import type { DashboardTab } from '../protocol/webview';
import { dashboardArgs, experimentPathFromArgs, runIdsFromArgs } from './commandArgs';
import type { Problem } from '../core/config/problem';
import { showProblems } from './editor/showProblems';
import { reportError, UserError } from './errors';
import type { ExportFolder } from './exportFolder';
import { exportRuns } from './exportRunCommand';
import { COMMAND_IDS, type CommandId } from './contributionIds';
import { newExperiment } from './newExperiment';
import { requireTrust } from './trust';
import { pickExperiment, pickOne, pickRuns } from './pickers';
import type { PlanTarget } from './planSelection';
import { isActive } from './runLabels';
import type { RunLauncher, SlurmSubmitter } from './runLauncher';
import { RUN_FILES } from '../runs/runSchema';
import type { RunManagerApi, RunStoreApi } from '../runs/runTypes';

export { COMMAND_IDS, type CommandId };

export type CommandHandler = (...args: unknown[]) => unknown;

/** Python scripts started by "Run with SNN Lab" (python/pythonScripts.ts). */
export interface PythonScriptsApi {
  run(target?: vscode.Uri): Promise<number | undefined>;
  useInTerminals(): void;
  owns(runId: RunId): boolean;
  stop(runId: RunId): Promise<void>;
  stopAll(): Promise<void>;
}

export interface CommandDeps {
  store: RunStoreApi;
  runs: RunManagerApi;
  python: PythonScriptsApi;
  launcher: RunLauncher;
  slurm: SlurmSubmitter | undefined;
  dashboard: { open(runIds?: RunId[], tab?: DashboardTab): void; reveal(runId: RunId): void };
  log: vscode.LogOutputChannel;
  tree: { refresh(): void };
  /** Variant names of an experiment file (for Run Variant without arguments). */
  variantsOf(experimentPath: string): Promise<string[]>;
  /** Shows one progress notification for the runs of a study. */
  studies: { track(label: string, ids: readonly RunId[]): void };
  /** Where export dialogs open. */
  exports: ExportFolder;
  /** The problems of an open experiment document (the editor's parse cache). */
  problemsOf(document: vscode.TextDocument): readonly Problem[];
  /** "Install Native Backend" (needs the extension context, so the entry point supplies it). */
  installNativeBackend(): Promise<unknown>;
  /** Copies a shipped example (by file name, or picked) into the workspace and opens it. */
  openExample(name?: string): Promise<unknown>;
  /** Opens the Get Started walkthrough. */
  getStarted(): Thenable<unknown>;
}

export function createCommandHandlers(deps: CommandDeps): Record<CommandId, CommandHandler> {
  const { store, runs, launcher, slurm, dashboard, log } = deps;
  const known = (ids: RunId[]): RunId[] => {
    const all = new Set(store.list().map((m) => m.runId));
    const missing = ids.filter((id) => !all.has(id));
    if (missing.length > 0) log.warn(`ignoring unknown run ids: ${missing.join(', ')}`);
    return ids.filter((id) => all.has(id));
  };
  const chosen = async (
    args: unknown[],
    title: string,
    filter: (active: boolean) => boolean,
    many = true,
  ) => {
    const ids = known(runIdsFromArgs(args));
    if (ids.length > 0) return ids;
    return (
      (await pickRuns(
        store.list().filter((m) => filter(isActive(m.status))),
        title,
        many,
      )) ?? []
    );
  };
  const launch = async (args: unknown[], target: PlanTarget) => {
    const experiment = experimentPathFromArgs(args) ?? (await pickExperiment());
    return experiment ? launcher.launch(experiment, target) : [];
  };
  const stopOne = (id: RunId) =>
    deps.python.owns(id) ? deps.python.stop(id) : slurm?.owns(id) ? slurm.stop(id) : runs.stop(id);

  return {
    'snnLab.newExperiment': () => newExperiment(),
    'snnLab.runExperiment': (...args) => launch(args, { kind: 'run' }),
    'snnLab.runSweep': (...args) => launch(args, { kind: 'sweep' }),
    'snnLab.runStudy': async (...args) => {
      const experiment = experimentPathFromArgs(args) ?? (await pickExperiment());
      if (!experiment) return [];
      const ids = await launcher.launch(experiment, { kind: 'sweep' });
      deps.studies.track(path.basename(experiment), ids);
      return ids;
    },
    'snnLab.probeAtInit': (...args) => launch(args, { kind: 'probe' }),
    'snnLab.runVariant': async (...args) => {
      const experiment = experimentPathFromArgs(args) ?? (await pickExperiment());
      if (!experiment) return [];
      const variant =
        typeof args[1] === 'string'
          ? args[1]
          : await pickOne(await deps.variantsOf(experiment), 'Run which variant?');
      return variant === undefined ? [] : launcher.launch(experiment, { kind: 'variant', variant });
    },
    'snnLab.stopRun': async (...args) => {
      requireTrust('stop runs');
      const ids = await chosen(args, 'Stop which runs?', (active) => active);
      await Promise.all(ids.map(stopOne));
      return ids;
    },
    'snnLab.stopAll': async () => {
      requireTrust('stop runs');
      const slurmIds = slurm ? store.list().filter((m) => isActive(m.status) && slurm.owns(m.runId)) : [];
      await Promise.all([runs.stopAll(), deps.python.stopAll(), ...slurmIds.map((m) => stopOne(m.runId))]);
    },
    'snnLab.openDashboard': (...args) => {
      const { runIds, tab, experiment } = dashboardArgs(args);
      const ids = experiment ? latestRuns(store, experiment) : known(runIds);
      dashboard.open(ids.length > 0 ? ids : undefined, tab);
    },
    'snnLab.revealRun': (...args) => {
      const [id] = known(runIdsFromArgs(args));
      if (id) dashboard.reveal(id);
    },
    'snnLab.compareRuns': async (...args) => {
      let ids = known(runIdsFromArgs(args));
      if (ids.length < 2) ids = (await pickRuns(store.list(), 'Compare which runs?', true)) ?? [];
      if (ids.length > 0) dashboard.open(ids, 'curves');
    },
    'snnLab.openTheoryExplorer': () => dashboard.open(undefined, 'theory'),
    'snnLab.exportRun': async (...args) => {
      const ids = await chosen(args, 'Export which run?', () => true, false);
      return ids.length > 0 ? exportRuns(store, ids, deps.exports) : [];
    },
    'snnLab.deleteRun': async (...args) => {
      // An untrusted workspace's files (a crafted run, a link) must not steer a deletion.
      requireTrust('delete runs');
      return deleteRuns(store, await chosen(args, 'Delete which runs?', (a) => !a));
    },
    'snnLab.showLogs': async (...args) => {
      const [id] = known(runIdsFromArgs(args));
      const file = id ? path.join(store.runDir(id), RUN_FILES.log) : undefined;
      if (file && existsSync(file)) {
        await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
      } else log.show(true);
    },
    'snnLab.showProblems': async (...args) => {
      const experiment = experimentPathFromArgs(args) ?? (await pickExperiment());
      if (experiment) await showProblems(vscode.Uri.file(experiment), deps.problemsOf);
    },
    'snnLab.runPythonScript': (...args) =>
      deps.python.run(args[0] instanceof vscode.Uri ? args[0] : undefined),
    'snnLab.usePythonInTerminals': () => deps.python.useInTerminals(),
    'snnLab.installNativeBackend': () => deps.installNativeBackend(),
    'snnLab.openExample': (...args) => deps.openExample(typeof args[0] === 'string' ? args[0] : undefined),
    'snnLab.getStarted': () => deps.getStarted(),
    'snnLab.refreshRuns': () => {
      store.refresh();
      deps.tree.refresh();
    },
  };
}

/** The runs of the experiment's most recent batch (created within a minute of its newest run). */
function latestRuns(store: RunStoreApi, experiment: string): RunId[] {
  const mine = store.list().filter((m) => m.experiment === experiment);
  const newest = Math.max(...mine.map((m) => Date.parse(m.createdAt)));
  return mine.filter((m) => newest - Date.parse(m.createdAt) < 60_000).map((m) => m.runId);
}

/**
 * Deletes runs after a modal confirmation that names each run's id and folder. Needs workspace trust (the folders
 * come from the workspace); the store itself refuses anything that is not a run directory inside the runs directory.
 */
async function deleteRuns(store: RunStoreApi, ids: RunId[]): Promise<RunId[]> {
  if (ids.length === 0) return [];
  requireTrust('delete runs');
  const all = new Map(store.list().map((m) => [m.runId, m]));
  const metas = ids.map((id) => all.get(id));
  const busy = metas.filter((m) => m && isActive(m.status));
  if (busy.length > 0) {
    throw new UserError(`Stop ${busy.map((m) => m?.name).join(', ')} before deleting it.`, [], 'warning');
  }
  const shown = ids.slice(0, 10).map((id) => `${id}  (${store.runDir(id)})`);
  if (ids.length > shown.length) shown.push(`… and ${ids.length - shown.length} more`);
  const what = ids.length === 1 ? 'this run' : `these ${ids.length} runs`;
  const answer = await vscode.window.showWarningMessage(
    `Delete ${what}? Their folders are removed from ${store.root}.`,
    { modal: true, detail: shown.join('\n') },
    'Delete',
  );
  if (answer !== 'Delete') return [];
  const deleted: RunId[] = [];
  for (const id of ids) {
    try {
      store.delete(asRunId(id));
      deleted.push(id);
    } catch (error) {
      throw new UserError(`Run ${id} was not deleted: ${(error as Error).message}`);
    }
  }
  return deleted;
}

/** Registers every handler; each call is wrapped so errors are shown once and logged with their stack. */
export function registerCommands(
  handlers: Record<CommandId, CommandHandler>,
  log: vscode.LogOutputChannel,
): vscode.Disposable[] {
  return COMMAND_IDS.map((id) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handlers[id](...args);
      } catch (error) {
        void reportError(error, id.replace('snnLab.', ''), log);
        return undefined;
      }
    }),
  );
}
