/**
 * What the host does for the action messages both webviews send: run commands of the extension (helper D's
 * snnLab.openDashboard / stopRun / exportRun) and save exported charts and series through a save dialog.
 */
import * as vscode from 'vscode';
import type { WebviewToHost } from '../../protocol/webview';
import type { ExportFolder } from '../exportFolder';

/** Handles the actions shared by the dashboard and the sidebar; returns false for other messages. */
export async function runWebviewAction(
  message: WebviewToHost,
  log: vscode.LogOutputChannel,
  folders?: ExportFolder,
): Promise<boolean> {
  switch (message.type) {
    case 'openDashboard':
      await vscode.commands.executeCommand('snnLab.openDashboard', message.runIds, message.tab);
      return true;
    case 'stopRun':
      await vscode.commands.executeCommand('snnLab.stopRun', message.runId);
      return true;
    case 'exportRun':
      await vscode.commands.executeCommand('snnLab.exportRun', message.runId);
      return true;
    case 'saveFile':
      await saveFile(message, log, folders);
      return true;
    case 'error':
      log.error(`webview error: ${message.message}`);
      return true;
    default:
      return false;
  }
}

/**
 * Saves a PNG or CSV the webview produced. A save dialog on the host works the same in desktop VS Code and in
 * code-server, where a download from inside the sandboxed webview iframe is blocked.
 */
async function saveFile(
  m: Extract<WebviewToHost, { type: 'saveFile' }>,
  log: vscode.LogOutputChannel,
  folders: ExportFolder | undefined,
): Promise<void> {
  const folder = folders?.defaultFolder() ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, m.fileName) } : {}),
    filters: m.format === 'png' ? { 'PNG image': ['png'] } : { CSV: ['csv'] },
    title: `Save ${m.fileName}`,
  });
  if (!target) return;
  const bytes =
    m.format === 'png'
      ? Buffer.from(m.data.slice('data:image/png;base64,'.length), 'base64')
      : Buffer.from(m.data, 'utf8');
  await vscode.workspace.fs.writeFile(target, bytes);
  folders?.remember(target);
  log.info(`saved ${m.format.toUpperCase()} to ${target.fsPath}`);
  void vscode.window.showInformationMessage(`Saved ${vscode.workspace.asRelativePath(target)}`);
}

/** Runs an action and reports a failure to the user and the log instead of losing it. */
export function runSafely(action: () => Promise<unknown>, log: vscode.LogOutputChannel, what: string): void {
  action().catch((error: unknown) => {
    const text = error instanceof Error ? error.message : String(error);
    log.error(`${what}: ${error instanceof Error && error.stack ? error.stack : text}`);
    void vscode.window.showErrorMessage(`SNN Lab: ${what} failed: ${text}`);
  });
}
