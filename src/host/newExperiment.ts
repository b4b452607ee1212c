/**
 * "New Experiment": pick a template, choose where to save (the proposed name is one no experiment of the folder
 * uses; the new experiment is named after its file, with a warning when another file of the folder has that name),
 * (for the CSV template) pick a CSV file and its target column, then open the new file. The file is never
 * overwritten without the save dialog's confirmation.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { UserError } from './errors';
import { defaultName } from '../core/config/parse';
import { isExperimentFile } from './contributionIds';
import { freeFileName, nameClash, withExperimentName, type FolderFile } from './templates/newFileNames';
import { csvColumns, TEMPLATES, type CsvChoice } from './templates/templates';

const CSV_PEEK_BYTES = 64 * 1024;
/** Experiment files are small; a huge one is read only this far for its name. */
const MAX_PEEK_BYTES = 1024 * 1024;

export async function newExperiment(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showQuickPick(
    TEMPLATES.map((t) => ({ label: t.label, detail: t.detail, template: t })),
    { title: 'SNN Lab: New Experiment', placeHolder: 'Choose a starting point' },
  );
  if (!picked) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  // A name no experiment of the folder uses: depth-sweep-2.snn.json next to an existing depth-sweep.snn.yaml.
  const proposed = folder
    ? freeFileName(await folderFiles(folder), picked.template.fileName)
    : picked.template.fileName;
  const target = await vscode.window.showSaveDialog({
    title: 'Save the new experiment',
    filters: { 'SNN Lab experiment': ['json'] },
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, proposed) } : {}),
  });
  if (!target) return undefined;
  if (!/\.snn\.json$/i.test(target.fsPath)) {
    throw new UserError(
      `Experiment files end in .snn.json (got ${path.basename(target.fsPath)}); choose another name.`,
    );
  }
  const name = defaultName(target.fsPath);
  const siblings = await folderFiles(vscode.Uri.file(path.dirname(target.fsPath)));
  const clash = nameClash(siblings, name, path.basename(target.fsPath));
  if (clash) {
    const keep = 'Save Anyway';
    const answer = await vscode.window.showWarningMessage(
      `${clash} in this folder is also named "${name}". Runs are named after the experiment, so the runs of ` +
        'both files would share names and mix in the dashboard. Choose another file name?',
      { modal: true },
      keep,
    );
    if (answer !== keep) return undefined;
  }
  const csv = picked.template.needsCsv ? await chooseCsv(target) : undefined;
  if (picked.template.needsCsv && !csv) return undefined;
  const text = withExperimentName(picked.template.render(csv), name);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  await vscode.window.showTextDocument(target);
  return target;
}

/** The experiment files of a folder (not its subfolders) with their text; unreadable ones are skipped. */
async function folderFiles(folder: vscode.Uri): Promise<FolderFile[]> {
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(folder);
  } catch {
    return [];
  }
  const names = entries
    .filter(([name, type]) => type === vscode.FileType.File && isExperimentFile(name))
    .map(([name]) => name);
  const files = await Promise.all(
    names.map(async (fileName) => {
      try {
        const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, fileName));
        return [{ fileName, text: new TextDecoder().decode(bytes.subarray(0, MAX_PEEK_BYTES)) }];
      } catch {
        return [{ fileName, text: '' }];
      }
    }),
  );
  return files.flat();
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
