/**
 * Reads SNN Lab's settings from VS Code (typed by settings.ts), resolves the runs directory, and reacts to
 * setting changes: every setting applies at once (a new runs directory waits only for runs that are live).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { createRunsFolder } from '../runs/runsFolder';
import { readSettings, SETTINGS_SECTION, type Settings } from './settings';

export function currentSettings(): Settings {
  const config = vscode.workspace.getConfiguration('snnLab');
  return readSettings((key) => config.get(key));
}

/**
 * Absolute runs directory: an absolute setting as is, a relative one (default `.snn-lab/runs`) against the first
 * workspace folder, else global storage. In a trusted workspace the directory is created at once, so the CLI run on
 * any file below the folder finds the same `.snn-lab/` by its walk up (src/runs/runsDirectory.ts); creating
 * `.snn-lab/` also writes its `.gitignore` unless snnLab.createGitignore is off (src/runs/runsFolder.ts).
 */
export function runsRoot(context: vscode.ExtensionContext, settings: Settings): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const root = path.isAbsolute(settings.runsDirectory)
    ? settings.runsDirectory
    : folder
      ? path.join(folder, settings.runsDirectory)
      : path.join(context.globalStorageUri.fsPath, 'runs');
  if (vscode.workspace.isTrusted) {
    try {
      createRunsFolder(root, { gitignore: settings.createGitignore });
    } catch {
      // Reported by the first write that needs it (run start), with the path and the reason.
    }
  }
  return root;
}

/**
 * Applies SNN Lab's settings whenever they change (`apply` also switches the runs directory and the Node executable,
 * see runServices.ts); when the runs directory cannot change because runs are live, says so and offers a reload.
 */
export function watchSettings(apply: (settings: Settings) => 'applied' | 'busy'): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration(async (event) => {
    if (!event.affectsConfiguration(SETTINGS_SECTION)) return;
    if (apply(currentSettings()) === 'applied') return;
    await offerReload();
  });
}

/** The message shown when a new runs directory has to wait for the live runs (or a reload). */
export async function offerReload(): Promise<void> {
  const pick = await vscode.window.showInformationMessage(
    'SNN Lab keeps the current runs directory while runs are active: the new one applies when they have ended ' +
      '(change the setting again) or after a window reload.',
    'Reload Window',
  );
  if (pick) await vscode.commands.executeCommand('workbench.action.reloadWindow');
}
