/**
 * Normalises what VS Code passes to a command into run ids: nothing, a RunId string, a runs-tree item, an object
 * with `runId` or `runIds` (webview buttons), or the (clicked, selected[]) pair of a multi-select tree. vscode-free.
 */
import { isRunId, type RunId } from '../protocol/ids';
import { DASHBOARD_TABS, type DashboardTab } from '../protocol/webview';

function idsOf(value: unknown): RunId[] {
  if (typeof value === 'string') return isRunId(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(idsOf);
  if (value && typeof value === 'object') {
    const record = value as { runId?: unknown; runIds?: unknown; meta?: { runId?: unknown } };
    if (record.runIds !== undefined) return idsOf(record.runIds);
    if (record.runId !== undefined) return idsOf(record.runId);
    if (record.meta?.runId !== undefined) return idsOf(record.meta.runId);
  }
  return [];
}

/**
 * Run ids named by a command's arguments, without duplicates, in order. A multi-select tree passes
 * (clicked item, all selected items): the selection wins when present.
 */
export function runIdsFromArgs(args: readonly unknown[]): RunId[] {
  const [first, second] = args;
  const fromSelection = Array.isArray(second) ? idsOf(second) : [];
  const ids =
    fromSelection.length > 0
      ? fromSelection
      : idsOf(args.length > 1 && !Array.isArray(second) ? [...args] : first);
  return [...new Set(ids)];
}

/** The experiment file a run command targets: a Uri-like `{ fsPath }`, a runs-tree experiment node, a path. */
export function experimentPathFromArgs(args: readonly unknown[]): string | undefined {
  const [first] = args;
  if (typeof first === 'string' && first.length > 0) return first;
  if (first && typeof first === 'object') {
    const { fsPath, experiment } = first as { fsPath?: unknown; experiment?: unknown };
    if (typeof fsPath === 'string') return fsPath;
    if (typeof experiment === 'string') return experiment;
  }
  return undefined;
}

/**
 * Arguments of Open Dashboard: run ids (any form above), an optional tab name anywhere in the list (the sidebar
 * passes `(runIds, tab)`), or an experiment file (code lens) whose latest runs the caller looks up.
 */
export function dashboardArgs(args: readonly unknown[]): {
  runIds: RunId[];
  tab?: DashboardTab;
  experiment?: string;
} {
  const tab = args.find((a): a is DashboardTab => (DASHBOARD_TABS as readonly unknown[]).includes(a));
  const rest = args.filter((a) => a !== tab && a !== undefined && a !== null);
  const experiment = experimentPathFromArgs(rest);
  const isExperiment = experiment !== undefined && /\.snn\.(json|ya?ml)$/i.test(experiment);
  return {
    runIds: isExperiment ? [] : runIdsFromArgs(rest),
    ...(tab ? { tab } : {}),
    ...(isExperiment ? { experiment } : {}),
  };
}
