/**
 * How command failures reach the user: a UserError carries a message meant to be read as is (plus optional
 * action buttons); anything else is an internal error shown once with a "Show Logs" button, its stack in the log.
 */
import * as vscode from 'vscode';

/** One button of an error notification and what it runs. */
export interface ErrorAction {
  title: string;
  command: string;
  args?: unknown[];
}

/** An expected failure (bad input, missing trust, refused path): shown without a stack. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly actions: ErrorAction[] = [],
    readonly severity: 'error' | 'warning' = 'error',
  ) {
    super(message);
    this.name = 'UserError';
  }
}

const DEDUPE_MS = 10_000;
const recent = new Map<string, number>();

/** Shows `error` once (the same text within 10 s is not repeated) and logs it; resolves when the user has answered. */
export async function reportError(
  error: unknown,
  context: string,
  log: vscode.LogOutputChannel,
): Promise<void> {
  const user = error instanceof UserError ? error : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (user) log.warn(`${context}: ${message}`);
  else log.error(`${context}: ${error instanceof Error ? (error.stack ?? message) : message}`);
  const now = Date.now();
  const last = recent.get(message);
  recent.set(message, now);
  if (last !== undefined && now - last < DEDUPE_MS) return;
  const actions: ErrorAction[] = user ? user.actions : [{ title: 'Show Logs', command: 'snnLab.showLogs' }];
  const show =
    user?.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
  const text = user ? message : `SNN Lab: ${context} failed: ${message}`;
  const picked = await show(text, ...actions.map((a) => a.title));
  const action = actions.find((a) => a.title === picked);
  if (action) await vscode.commands.executeCommand(action.command, ...(action.args ?? []));
}
