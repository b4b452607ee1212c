/**
 * Where exports are saved: the folder the user last exported to in this workspace (remembered in workspaceState),
 * else the folder of the run's experiment file, else the first workspace folder. Never the hidden run store:
 * exports are for notebooks and papers next to the user's own files.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';

// workspaceState is the extension's own: no prefix needed.
const LAST_FOLDER_KEY = 'lastExportFolder';

export class ExportFolder {
  constructor(private readonly state: vscode.Memento) {}

  /** The default folder of a save dialog for an export of a run of `experiment` (when known). */
  defaultFolder(experiment?: string): vscode.Uri | undefined {
    const last = this.state.get<string>(LAST_FOLDER_KEY);
    if (last) return vscode.Uri.file(last);
    if (experiment && path.isAbsolute(experiment)) return vscode.Uri.file(path.dirname(experiment));
    return vscode.workspace.workspaceFolders?.[0]?.uri;
  }

  /** Remembers the folder of a file the user saved an export to. */
  remember(target: vscode.Uri): void {
    if (target.scheme === 'file') void this.state.update(LAST_FOLDER_KEY, path.dirname(target.fsPath));
  }
}
