// Shared helpers for the in-host e2e tests: the extension's API, workspace paths, opening files, polling.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SnnLabApi } from '../../../src/extension';

/** publisher.name from package.json. */
export const EXTENSION_ID = 'snn-lab.snn-lab';

/** Activates SNN Lab (idempotent) and returns what activate() returned. */
export async function api(): Promise<SnnLabApi> {
  const ext = vscode.extensions.getExtension<SnnLabApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

/** Absolute path of the opened workspace folder (the runner opens a scratch copy of examples/). */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the e2e runner must open a workspace folder');
  return folder.uri.fsPath;
}

/** Uri of a file in the workspace. */
export function wsUri(...parts: string[]): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceRoot(), ...parts));
}

/** Opens a workspace file in an editor and returns its document. */
export async function open(...parts: string[]): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(wsUri(...parts));
  await vscode.window.showTextDocument(doc);
  return doc;
}

/** 0-based line of the first line of `doc` containing `needle`. */
export function lineOf(doc: vscode.TextDocument, needle: string): number {
  const line = doc
    .getText()
    .split('\n')
    .findIndex((l) => l.includes(needle));
  if (line < 0) throw new Error(`"${needle}" not found in ${doc.fileName}`);
  return line;
}

/** Polls `fn` until it returns a truthy value; throws with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > until) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
