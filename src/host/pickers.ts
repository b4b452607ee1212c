/**
 * Quick picks used when a command is run without arguments: choose an experiment file, one or more runs, or a
 * variant. Each returns undefined when the user cancels.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunId } from '../protocol/ids';
import { UserError } from './errors';
import { EXPERIMENT_GLOB, isExperimentFile } from './contributionIds';
import { runLook } from './runLabels';
import type { RunMeta } from '../runs/runTypes';

/** The active editor's experiment file, else one picked from the workspace's experiment files. */
export async function pickExperiment(): Promise<string | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  if (active && active.uri.scheme === 'file' && isExperimentFile(active.fileName)) return active.uri.fsPath;
  const files = await vscode.workspace.findFiles(EXPERIMENT_GLOB, '**/node_modules/**', 200);
  if (files.length === 0) {
    throw new UserError('No experiment file (*.snn.json, *.snn.yaml) is open or in the workspace.', [
      { title: 'New Experiment', command: 'snnLab.newExperiment' },
    ]);
  }
  if (files.length === 1) return files[0]?.fsPath;
  const items = files
    .map((uri) => ({
      label: path.basename(uri.fsPath),
      description: vscode.workspace.asRelativePath(uri),
      uri,
    }))
    .sort((a, b) => a.description.localeCompare(b.description));
  const picked = await vscode.window.showQuickPick(items, { title: 'SNN Lab: choose an experiment' });
  return picked?.uri.fsPath;
}

/** Picks runs from `runs` (newest first); with `many`, several. */
export async function pickRuns(runs: RunMeta[], title: string, many: boolean): Promise<RunId[] | undefined> {
  if (runs.length === 0) throw new UserError('There are no runs to choose from.', [], 'warning');
  const now = Date.now();
  const items = [...runs]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map((meta) => {
      const look = runLook(meta, now);
      return {
        label: `$(${look.icon.id}) ${meta.name}`,
        description: look.description,
        detail: meta.runId,
        meta,
      };
    });
  if (many) {
    const picked = await vscode.window.showQuickPick(items, {
      title,
      canPickMany: true,
      matchOnDescription: true,
    });
    return picked && picked.length > 0 ? picked.map((p) => p.meta.runId) : undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title, matchOnDescription: true });
  return picked ? [picked.meta.runId] : undefined;
}

/** Picks one of `names`. */
export async function pickOne(names: string[], title: string): Promise<string | undefined> {
  if (names.length === 1) return names[0];
  return vscode.window.showQuickPick(names, { title });
}
