/**
 * Every identifier SNN Lab shares with package.json `contributes`: command ids, view ids and context keys.
 * vscode-free so the consistency test (test/unit/host/contributions.test.ts) can import it in plain Node.
 */

/** Command ids, one handler each in commands.ts. */
export const COMMAND_IDS = [
  'snnLab.newExperiment',
  'snnLab.runExperiment',
  'snnLab.runSweep',
  'snnLab.runStudy',
  'snnLab.runVariant',
  'snnLab.probeAtInit',
  'snnLab.stopRun',
  'snnLab.stopAll',
  'snnLab.openDashboard',
  'snnLab.revealRun',
  'snnLab.compareRuns',
  'snnLab.openTheoryExplorer',
  'snnLab.exportRun',
  'snnLab.deleteRun',
  'snnLab.showLogs',
  'snnLab.refreshRuns',
  'snnLab.showProblems',
  'snnLab.runPythonScript',
  'snnLab.usePythonInTerminals',
  'snnLab.installNativeBackend',
  'snnLab.openExample',
  'snnLab.getStarted',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];

/** The Get Started walkthrough (`contributes.walkthroughs`); VS Code's full id is `<extension id>#<this>`. */
export const WALKTHROUGH_ID = 'getStarted';

/** View container and views contributed in package.json. */
export const VIEW_CONTAINER_ID = 'snnLab';
export const VIEW_IDS = { dashboard: 'snnLab.dashboardView', runs: 'snnLab.runs' } as const;

/** Context keys set by the extension and used in `when` clauses. */
export const CONTEXT_KEYS = {
  hasActiveRuns: 'snnLab.hasActiveRuns',
  /** An example is open (Open Example…): the walkthrough's first step completes on it. */
  exampleOpened: 'snnLab.exampleOpened',
} as const;

/** `contextValue` prefix of run items in the runs tree; the suffix is the run status. */
export const RUN_ITEM_CONTEXT = 'snnLabRun';
/** `contextValue` of experiment (group) items in the runs tree. */
export const EXPERIMENT_ITEM_CONTEXT = 'snnLabExperiment';

/** Experiment files: `*.snn.json`, `*.snn.yaml`, `*.snn.yml`. */
export const EXPERIMENT_GLOB = '**/*.snn.{json,yaml,yml}';

export function isExperimentFile(fileName: string): boolean {
  return /\.snn\.(json|ya?ml)$/i.test(fileName);
}

/**
 * What Restricted Mode leaves available, in one sentence: the Runs view's welcome (package.json viewsWelcome, checked
 * by a unit test), its message above the runs, the sidebar and the code lens tooltip say the same.
 */
export const RESTRICTED_MODE_TEXT =
  'Restricted Mode: past runs, dashboards, problems and exports work; starting, stopping and deleting runs ' +
  'need a trusted workspace.';
