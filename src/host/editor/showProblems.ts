/**
 * "Fix N problems" (snnLab.showProblems): opens the experiment file at its first problem (errors first) with focus
 * in the editor, then opens the quick-fix menu there when the problem has a fix, else the problem's hover. The
 * Problems panel is not revealed: it took the focus, so the correction was typed into its filter box.
 */
import * as vscode from 'vscode';
import type { Problem } from '../../core/config/problem';

/** The first problem to show: the first error in the file, else the first warning. */
export function firstProblem(problems: readonly Problem[]): Problem | undefined {
  return [...problems].sort(
    (a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) || a.offset - b.offset,
  )[0];
}

export async function showProblems(
  uri: vscode.Uri,
  problemsOf: (document: vscode.TextDocument) => readonly Problem[],
): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  const problem = firstProblem(problemsOf(document));
  const start = document.positionAt(problem?.offset ?? 0);
  const editor = await vscode.window.showTextDocument(document, {
    selection: new vscode.Range(start, start),
    preserveFocus: false,
    preview: false,
  });
  if (!problem) return;
  const range = new vscode.Range(start, document.positionAt(problem.offset + problem.length));
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[] | undefined>(
    'vscode.executeCodeActionProvider',
    uri,
    range,
    vscode.CodeActionKind.QuickFix.value,
  );
  await vscode.commands.executeCommand(
    (actions ?? []).length > 0 ? 'editor.action.quickFix' : 'editor.action.showHover',
  );
}
