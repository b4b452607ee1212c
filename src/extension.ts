/** Entry point: builds SNN Lab's object graph and registers it with VS Code. Wiring only; logic lives in src/host. */
import * as vscode from 'vscode';
import type { RunId } from './protocol/ids';
import { createCommandHandlers, registerCommands } from './host/commands';
import { ExperimentCodeLensProvider } from './host/editor/experimentCodeLensProvider';
import { ExperimentDiagnostics } from './host/editor/experimentDiagnostics';
import { EXPERIMENT_SELECTOR, ParseCache } from './host/editor/parseCache';
import { QuickFixProvider } from './host/editor/quickFixProvider';
import { YamlAssistRegistration } from './host/editor/yamlAssistProvider';
import { ExportFolder } from './host/exportFolder';
import { loadForRun, variantsOf } from './host/experimentLoader';
import { currentSettings, offerReload, runsRoot, watchSettings } from './host/vscodeSettings';
import { PythonScripts } from './host/python/pythonScripts';
import { RunLauncher } from './host/runLauncher';
import { createRunServices, type RunServices } from './host/runServices';
import { RunProgress } from './host/views/runProgress';
import { StudyProgressView } from './host/views/studyProgress';
import { RunsTreeProvider } from './host/views/runsTree';
import { DashboardPanels } from './host/webviews/dashboardPanels';
import { RunColors } from './host/webviews/runColors';
import { SidebarView } from './host/webviews/sidebarView';
import { putCliOnPath, TerminalEnvironment } from './host/terminalEnvironment';
import { WALKTHROUGH_ID } from './host/contributionIds';
import { openExample } from './host/openExample';
import { BackendStatus } from './host/views/backendStatus';
import { installNativeBackendCommand, nativeModulesDir } from './host/nativeBackend';
import { NATIVE_MODULES_ENV } from './protocol/trainer';

/** What activate() returns: lets in-host (e2e) tests await runs that commands start, and read diagnostics. */
export interface SnnLabApi {
  runs: RunServices['runs'];
  store: RunServices['store'];
  diagnostics: ExperimentDiagnostics;
}

let services: RunServices | undefined;

export function activate(context: vscode.ExtensionContext): SnnLabApi {
  const log = vscode.window.createOutputChannel('SNN Lab', { log: true });
  const settings = currentSettings();
  const { store, runs, slurm, stop, shutdown, apply, trusted } = (services = createRunServices(
    context,
    settings,
    runsRoot(context, settings),
    log,
    { trusted: vscode.workspace.isTrusted },
  ));
  let limit = settings.maxConcurrentRuns;
  const queue = () => ({ running: runs.active().length, limit });
  const exports = new ExportFolder(context.workspaceState);
  // Every feature's terminal variables go through this one object (see terminalEnvironment.ts).
  const terminal = new TerminalEnvironment(context.environmentVariableCollection);
  const colors = new RunColors(context.workspaceState);
  const webviewOptions = {
    extensionUri: context.extensionUri,
    ...{ store, runs, log, colors, queue, exports },
    firstSnapshots: vscode.Uri.joinPath(context.globalStorageUri, 'webview-first'),
    curveCache: vscode.Uri.joinPath(context.globalStorageUri, 'curve-cache'),
  };
  const dashboard = new DashboardPanels(webviewOptions);
  const sidebar = new SidebarView(webviewOptions);
  const tree = new RunsTreeProvider(store, { queue });
  const cache = new ParseCache(() => currentSettings().limits);
  const diagnostics = new ExperimentDiagnostics(cache);
  const lenses = new ExperimentCodeLensProvider(cache);
  const launcher = new RunLauncher({ runs, slurm, log, settings: currentSettings, load: loadForRun });
  const python = new PythonScripts({
    context,
    terminal,
    store,
    runsDir: store.root,
    pythonPath: () => currentSettings().pythonPath,
    log,
  });
  const stopRun = (runId: RunId): Promise<void> => (python.owns(runId) ? python.stop(runId) : stop(runId));
  const studies = new StudyProgressView([runs.onDidChangeRun, slurm.onDidChangeRun], stopRun);
  const handlers = createCommandHandlers({
    store,
    runs,
    python,
    launcher,
    slurm,
    dashboard,
    log,
    tree,
    variantsOf,
    studies,
    exports,
    problemsOf: (document) => cache.get(document).problems,
    installNativeBackend: () => installNativeBackendCommand(context, log),
    openExample: (name) => openExample(context.extensionUri, name),
    getStarted: () =>
      vscode.commands.executeCommand(
        'workbench.action.openWalkthrough',
        `${context.extension.id}#${WALKTHROUGH_ID}`,
        false,
      ),
  });

  context.subscriptions.push(
    log,
    { dispose: () => void shutdown() },
    dashboard,
    dashboard.registerSerializer(),
    sidebar,
    vscode.window.registerWebviewViewProvider(SidebarView.viewType, sidebar),
    tree,
    diagnostics,
    lenses,
    vscode.languages.registerCodeLensProvider(EXPERIMENT_SELECTOR, lenses),
    vscode.languages.registerCodeActionsProvider(EXPERIMENT_SELECTOR, new QuickFixProvider(cache, log), {
      providedCodeActionKinds: QuickFixProvider.kinds,
    }),
    python,
    new YamlAssistRegistration(),
    new RunProgress(store, runs, slurm.onDidChangeRun, stopRun, log),
    studies,
    new BackendStatus(runs, store.list(), () => currentSettings().backend),
    store.watch(),
    watchSettings((s) => {
      limit = s.maxConcurrentRuns;
      runs.setMaxConcurrent(limit);
      diagnostics.refresh();
      lenses.refresh();
      return apply(runsRoot(context, s), s, vscode.workspace.isTrusted);
    }),
    // Restricted settings (runs directory, Node executable, executor, data policy, Slurm) all apply at once.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      const s = currentSettings();
      limit = s.maxConcurrentRuns;
      runs.setMaxConcurrent(limit);
      if (trusted(runsRoot(context, s), s) === 'busy') void offerReload();
    }),
    ...registerCommands(handlers, log),
  );
  try {
    const binDir = putCliOnPath({
      context,
      terminal,
      nodePath: settings.nodePath || process.execPath,
      cliEnv: { [NATIVE_MODULES_ENV]: nativeModulesDir(context) },
      version: String((context.extension.packageJSON as { version?: unknown }).version),
    });
    log.info(`snn-lab CLI on the integrated terminals' PATH (${binDir})`);
  } catch (error) {
    log.warn(`could not put the snn-lab CLI on the terminals' PATH: ${(error as Error).message}`);
  }
  return { runs, store, diagnostics };
}

/** Stops running trainers (stop, grace period, kill) before VS Code unloads the extension. */
export function deactivate(): Promise<void> | undefined {
  return services?.shutdown();
}
