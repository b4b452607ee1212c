/**
 * "New Experiment": pick a template, (for the CSV template) pick a CSV file and its target column, choose where
 * to save, then open the new file. The file is never overwritten without the save dialog's confirmation.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { UserError } from './errors';
import { csvColumns, TEMPLATES, type CsvChoice } from './templates/templates';

const CSV_PEEK_BYTES = 64 * 1024;

export async function newExperiment(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showQuickPick(
    TEMPLATES.map((t) => ({ label: t.label, detail: t.detail, template: t })),
    { title: 'SNN Lab: New Experiment', placeHolder: 'Choose a starting point' },
  );
  if (!picked) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: 'Save the new experiment',
    filters: { 'SNN Lab experiment': ['json'] },
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, picked.template.fileName) } : {}),
  });
  if (!target) return undefined;
  if (!/\.snn\.json$/i.test(target.fsPath)) {
    throw new UserError(
      `Experiment files end in .snn.json (got ${path.basename(target.fsPath)}); choose another name.`,
    );
  }
  const csv = picked.template.needsCsv ? await chooseCsv(target) : undefined;
  if (picked.template.needsCsv && !csv) return undefined;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(picked.template.render(csv)));
  await vscode.window.showTextDocument(target);
  return target;
}

async function chooseCsv(experiment: vscode.Uri): Promise<CsvChoice | undefined> {
  const files = await vscode.window.showOpenDialog({
    title: 'Choose the CSV data file',
    canSelectMany: false,
    filters: { CSV: ['csv'] },
    defaultUri: vscode.Uri.file(path.dirname(experiment.fsPath)),
  });
  const file = files?.[0];
  if (!file) return undefined;
  const bytes = await vscode.workspace.fs.readFile(file);
  const columns = csvColumns(new TextDecoder().decode(bytes.subarray(0, CSV_PEEK_BYTES)));
  if (columns.length < 2) throw new UserError(`${path.basename(file.fsPath)} has fewer than two columns.`);
  const targetPick = await vscode.window.showQuickPick(
    columns.map((name, index) => ({ label: name, description: `column ${index}`, index })),
    { title: 'Which column is the target?', placeHolder: 'The column the network predicts' },
  );
  if (!targetPick) return undefined;
  const taskPick = await vscode.window.showQuickPick(
    [
      { label: 'classification', description: 'target values are class labels' },
      { label: 'regression', description: 'numeric target' },
    ],
    { title: 'Task' },
  );
  if (!taskPick) return undefined;
  const relative = path.relative(path.dirname(experiment.fsPath), file.fsPath).split(path.sep).join('/');
  return {
    path: relative,
    target: targetPick.label,
    task: taskPick.label === 'regression' ? 'regression' : 'classification',
  };
}
