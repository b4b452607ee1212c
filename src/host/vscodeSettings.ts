/**
 * Reads SNN Lab's settings from VS Code (typed by settings.ts), resolves the runs directory, and reacts to
 * setting changes: the concurrency limit applies at once, settings fixed at start-up offer a window reload.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readSettings, SETTINGS_SECTION, type Settings } from './settings';

export function currentSettings(): Settings {
  const config = vscode.workspace.getConfiguration('snnLab');
  return readSettings((key) => config.get(key));
}

/**
 * Absolute runs directory: an absolute setting as is, a relative one (default `.snn-lab/runs`) against the first
 * workspace folder, else global storage. In a trusted workspace the directory is created at once, so the CLI run on
 * any file below the folder finds the same `.snn-lab/` by its walk up (src/runs/runsDirectory.ts).
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
      mkdirSync(root, { recursive: true });
    } catch {
      // Reported by the first write that needs it (run start), with the path and the reason.
    }
  }
  return root;
}

/** Applies live-changeable settings and asks for a reload when one read only at activation changes. */
export function watchSettings(apply: (settings: Settings) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration(async (event) => {
    if (!event.affectsConfiguration(SETTINGS_SECTION)) return;
    apply(currentSettings());
    const atStartup = ['snnLab.runsDirectory', 'snnLab.nodePath'].some((key) =>
      event.affectsConfiguration(key),
    );
    if (!atStartup) return;
    const pick = await vscode.window.showInformationMessage(
      'SNN Lab uses the new runs directory / Node executable after a window reload.',
      'Reload Window',
    );
    if (pick) await vscode.commands.executeCommand('workbench.action.reloadWindow');
  });
}
