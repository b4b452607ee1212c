/**
 * "Export Run": writes one run (or several, into a chosen folder) as metrics CSV, layer-statistics CSV or JSON,
 * rendered by core/runExport.
 */
import * as vscode from 'vscode';
import { exportRun, type ExportFormat } from '../runs/runExport';
import type { RunId } from '../protocol/ids';
import { UserError } from './errors';
import type { ExportFolder } from './exportFolder';
import type { RunStoreApi } from '../runs/runTypes';

const FORMATS: { label: string; description: string; format: ExportFormat }[] = [
  {
    label: 'Metrics (CSV)',
    description: 'one row per epoch: loss, accuracy, validation metrics',
    format: 'metrics-csv',
  },
  {
    label: 'Layer statistics (CSV)',
    description: 'one row per reported step and layer',
    format: 'layers-csv',
  },
  {
    label: 'Everything (JSON)',
    description: 'meta, config, metrics, layer statistics with histograms, summary',
    format: 'json',
  },
];

/**
 * Asks for a format and a destination (titled with the run's name; in the folder last exported to, else the
 * experiment's folder), writes the files, and returns their URIs.
 */
export async function exportRuns(
  store: RunStoreApi,
  runIds: RunId[],
  folders: ExportFolder,
): Promise<vscode.Uri[]> {
  const runs = runIds.map((id) => {
    const data = store.read(id);
    if (!data) throw new UserError(`Run ${id} is not in the run store (deleted?).`);
    return data;
  });
  const [first] = runs;
  const what = runs.length === 1 && first ? first.meta.name : `${runs.length} runs`;
  const pick = await vscode.window.showQuickPick(FORMATS, {
    title: `Export ${what}`,
    placeHolder: 'Choose what to export',
  });
  if (!pick) return [];
  const files = runs.map((data) => exportRun(data, pick.format));
  const folder = folders.defaultFolder(first?.meta.experiment);
  let targets: vscode.Uri[];
  const [single] = files;
  if (single && files.length === 1) {
    const target = await vscode.window.showSaveDialog({
      title: `Export ${what}: ${pick.label}`,
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, single.fileName) } : {}),
    });
    if (!target) return [];
    targets = [target];
  } else {
    const dirs = await vscode.window.showOpenDialog({
      title: `Export ${what} into folder`,
      canSelectFolders: true,
      canSelectFiles: false,
      ...(folder ? { defaultUri: folder } : {}),
    });
    const dir = dirs?.[0];
    if (!dir) return [];
    targets = files.map((f) => vscode.Uri.joinPath(dir, f.fileName));
  }
  const encoder = new TextEncoder();
  await Promise.all(
    targets.map((uri, i) => vscode.workspace.fs.writeFile(uri, encoder.encode(files[i]?.text ?? ''))),
  );
  if (targets[0]) folders.remember(targets[0]);
  const shown =
    targets.length === 1
      ? vscode.workspace.asRelativePath(targets[0] as vscode.Uri)
      : `${targets.length} files`;
  void vscode.window.showInformationMessage(`SNN Lab: exported ${shown}.`);
  return targets;
}
