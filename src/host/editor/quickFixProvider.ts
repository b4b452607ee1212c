/**
 * Quick fixes for experiment-file problems that carry a machine-readable fix (the SNN-pitfall warnings: LeCun
 * init for SELU, alpha-dropout, ...): the text edit comes from core/config/applyFix, so comments and layout stay.
 */
import * as vscode from 'vscode';
import { fixEdits } from '../../core/config/applyFix';
import type { ParseCache } from './parseCache';
import { DIAGNOSTIC_SOURCE } from './experimentDiagnostics';

export class QuickFixProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(
    private readonly cache: ParseCache,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const text = document.getText();
    for (const problem of this.cache.get(document).problems) {
      if (!problem.fix) continue;
      const problemRange = new vscode.Range(
        document.positionAt(problem.offset),
        document.positionAt(problem.offset + problem.length),
      );
      if (!problemRange.intersection(range)) continue;
      let edits;
      try {
        edits = fixEdits(text, document.fileName, problem.fix);
      } catch (error) {
        this.log.warn(`quick fix "${problem.fix.title}" not offered: ${(error as Error).message}`);
        continue;
      }
      const action = new vscode.CodeAction(problem.fix.title, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      for (const e of edits) {
        const at = new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length));
        action.edit.replace(document.uri, at, e.content);
      }
      action.diagnostics = context.diagnostics.filter(
        (d) =>
          d.source === DIAGNOSTIC_SOURCE && d.message === problem.message && d.range.isEqual(problemRange),
      );
      action.isPreferred = true;
      actions.push(action);
    }
    return actions;
  }
}
