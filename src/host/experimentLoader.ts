/**
 * Loads an experiment for a run through src/node/loadExperiment and turns its errors into one UserError that
 * names file:line:col of the first problems, with buttons to jump there or open the Problems panel.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PlanLimits } from '../core/config/limits';
import { formatProblem, loadExperiment } from '../node/loadExperiment';
import { UserError } from './errors';
import type { LoadedExperiment } from './runLauncher';

const SHOWN = 3;

export async function loadForRun(experimentPath: string, limits?: PlanLimits): Promise<LoadedExperiment> {
  const loaded = await loadExperiment(experimentPath, limits);
  const errors = loaded.problems.filter((p) => p.severity === 'error');
  if (loaded.file && errors.length === 0) return { file: loaded.file, plans: loaded.plans };
  const first = errors[0];
  const name = path.basename(experimentPath);
  const lines = errors.slice(0, SHOWN).map((p) => formatProblem(name, p));
  const more = errors.length > SHOWN ? ` (and ${errors.length - SHOWN} more)` : '';
  const position = first ? new vscode.Position(first.line - 1, first.col - 1) : new vscode.Position(0, 0);
  throw new UserError(`Cannot run ${name}: ${lines.join('; ')}${more}`, [
    {
      title: 'Go to Problem',
      command: 'vscode.open',
      args: [vscode.Uri.file(experimentPath), { selection: new vscode.Range(position, position) }],
    },
    { title: 'Show Problems', command: 'workbench.actions.view.problems' },
  ]);
}

/** Variant names of an experiment file (empty when it has none or does not parse). */
export async function variantsOf(experimentPath: string): Promise<string[]> {
  const loaded = await loadExperiment(experimentPath);
  const names = Object.keys(loaded.file?.variants ?? {});
  if (names.length === 0) {
    throw new UserError(`${path.basename(experimentPath)} defines no variants.`, [], 'warning');
  }
  return names;
}
