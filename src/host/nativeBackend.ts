/**
 * "SNN Lab: Install Native Backend": installs @tensorflow/tfjs-node (native TensorFlow) into the extension's global
 * storage, which survives extension updates, with a cancellable progress notification and npm's output in the
 * SNN Lab log. Trainers find it through $SNN_LAB_NATIVE_MODULES, which the host (and the CLI launcher) sets.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import manifest from '../../package.json';
import { UserError } from './errors';
import { InstallError, installNativeBackend } from '../runs/nativeInstaller';

/** The npm prefix of the native backend: `<global storage>/native-backend`. */
export function nativeModulesDir(context: vscode.ExtensionContext): string {
  return join(context.globalStorageUri.fsPath, 'native-backend');
}

/** tfjs-node in the release line of the bundled tfjs-core (the same version range as package.json's). */
export const TFJS_NODE_SPEC = `@tensorflow/tfjs-node@${manifest.dependencies['@tensorflow/tfjs-core']}`;

export async function installNativeBackendCommand(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
): Promise<string | undefined> {
  const prefix = nativeModulesDir(context);
  const go = await vscode.window.showInformationMessage(
    'Install native TensorFlow for SNN Lab?',
    {
      modal: true,
      detail:
        `npm installs ${TFJS_NODE_SPEC} into ${prefix} (kept across extension updates). Its install script ` +
        "downloads libtensorflow (~100 MB) from Google's servers, so this needs internet access and npm (from " +
        'Node.js) on the PATH. New runs then use it when snnLab.backend is "auto" or "tensorflow".',
    },
    'Install',
  );
  if (go !== 'Install') return undefined;
  log.show(true);
  try {
    const { version } = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: 'SNN Lab: installing the native backend',
        cancellable: true,
      },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return installNativeBackend({
          prefix,
          spec: TFJS_NODE_SPEC,
          signal: abort.signal,
          log: (line) => {
            log.info(`[native backend] ${line}`);
            const text = line.trim();
            if (text) progress.report({ message: text.length > 80 ? `${text.slice(0, 77)}…` : text });
          },
        });
      },
    );
    void vscode.window.showInformationMessage(
      `SNN Lab: native backend installed (tfjs-node ${version}). New runs use it; the status bar and every ` +
        "run's details show the backend in use.",
    );
    return version;
  } catch (error) {
    if (error instanceof InstallError && error.kind === 'cancelled') {
      void vscode.window.showInformationMessage(`SNN Lab: ${error.message}`);
      return undefined;
    }
    if (error instanceof InstallError) {
      throw new UserError(`SNN Lab could not install the native backend. ${error.message}`, [
        { title: 'Show Logs', command: 'snnLab.showLogs' },
      ]);
    }
    throw error;
  }
}
