/**
 * Code lenses on experiment files, from core/config/runTargets: at the top "Run", "Run study (N runs)" (files with
 * repeats, folds, several data sets or a sweep: the whole plan, with study progress), "Probe at init" and "Open
 * dashboard" (or "Fix N problems" while the file has errors); on each variant "Run this variant". VS Code re-asks
 * on every edit; granting workspace trust refreshes them too. In Restricted Mode one lens says that running needs
 * trust (it opens Manage Workspace Trust).
 */
import * as vscode from 'vscode';
import { findRunTargets, isStudy } from '../../core/config/runTargets';
import { Disposable } from '../disposable';
import { RESTRICTED_MODE_TEXT } from '../contributionIds';
import type { ParseCache } from './parseCache';

export class ExperimentCodeLensProvider extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly cache: ParseCache) {
    super();
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()));
  }

  /** Asks VS Code for the lenses again (the plan limits changed). */
  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.cache.isExperiment(document)) return [];
    const parsed = this.cache.get(document);
    const targets = findRunTargets(document.getText(), document.fileName, parsed);
    const at = (line: number) => new vscode.Range(line, 0, line, 0);
    const top = at(targets.top.line);
    const lens = (range: vscode.Range, title: string, command: string, ...args: unknown[]) =>
      new vscode.CodeLens(range, { title, command, arguments: args });
    const uri = document.uri;
    const dashboard = lens(top, '$(graph) Open dashboard', 'snnLab.openDashboard', uri);
    if (targets.problems > 0) {
      const n = targets.problems;
      return [
        lens(top, `$(error) Fix ${n} problem${n === 1 ? '' : 's'}`, 'snnLab.showProblems', uri),
        dashboard,
      ];
    }
    if (!vscode.workspace.isTrusted) {
      // Restricted Mode: say what is missing where Run would be, instead of lenses that fail when clicked.
      const restricted = new vscode.CodeLens(top, {
        title: '$(workspace-untrusted) Restricted Mode: trust this folder to run',
        command: 'workbench.trust.manage',
        tooltip: RESTRICTED_MODE_TEXT,
      });
      return [restricted, dashboard];
    }
    const file = parsed.file;
    const lenses = [lens(top, '$(play) Run', 'snnLab.runExperiment', uri)];
    if (file && isStudy(file)) {
      lenses.push(lens(top, `$(run-all) Run study (${targets.runCount} runs)`, 'snnLab.runStudy', uri));
    }
    lenses.push(lens(top, '$(beaker) Probe at init', 'snnLab.probeAtInit', uri), dashboard);
    for (const variant of targets.variants) {
      lenses.push(lens(at(variant.line), '$(play) Run this variant', 'snnLab.runVariant', uri, variant.name));
    }
    return lenses;
  }
}
