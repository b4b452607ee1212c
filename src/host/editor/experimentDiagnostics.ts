/**
 * Puts experiment-file problems (syntax, schema, run and SNN-pitfall checks from core/config/parse) into the
 * Problems panel at their exact ranges, re-checking as the user types (debounced) and clearing closed files. One
 * report per problem: syntax errors of JSON files are left to VS Code's JSON service, which reports them too.
 */
import * as vscode from 'vscode';
import { isYamlFile } from '../../core/config/applyFix';
import type { Problem } from '../../core/config/problem';
import { Disposable } from '../disposable';
import type { ParseCache } from './parseCache';

export const DIAGNOSTIC_SOURCE = 'SNN Lab';
const DEBOUNCE_MS = 300;

/** Converts one Problem to a Diagnostic, using offsets (exact for any line ending). */
export function toDiagnostic(document: vscode.TextDocument, problem: Problem): vscode.Diagnostic {
  const start = document.positionAt(problem.offset);
  const end = document.positionAt(problem.offset + Math.max(problem.length, 0));
  const severity =
    problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
  const diagnostic = new vscode.Diagnostic(new vscode.Range(start, end), problem.message, severity);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  if (problem.code) diagnostic.code = problem.code;
  return diagnostic;
}

/**
 * True when VS Code's JSON language service reports this document's syntax errors itself (a `*.snn.json` file is
 * JSON with comments to it). SNN Lab then leaves syntax errors to it, so each is reported once; every other problem
 * is SNN Lab's alone: the JSON service gets a schema without constraints (scripts/editorSchema.mjs).
 */
export function jsonServiceValidates(document: vscode.TextDocument): boolean {
  if (isYamlFile(document.fileName)) return false;
  if (!vscode.extensions.getExtension('vscode.json-language-features')) return false;
  return vscode.workspace.getConfiguration('json', document.uri).get<boolean>('validate.enable', true);
}

export class ExperimentDiagnostics extends Disposable {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection('snnLab'));
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly cache: ParseCache) {
    super();
    this._register(vscode.workspace.onDidOpenTextDocument((d) => this.update(d)));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)));
    this._register(
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.cancel(d);
        this.collection.delete(d.uri);
        this.cache.forget(d);
      }),
    );
    this._register({ dispose: () => [...this.timers.values()].forEach(clearTimeout) });
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('json.validate.enable')) return;
        for (const document of vscode.workspace.textDocuments) this.update(document);
      }),
    );
    for (const document of vscode.workspace.textDocuments) this.update(document);
  }

  /** Problems currently shown for a document (used by tests through the API as well). */
  diagnosticsFor(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.collection.get(uri) ?? [];
  }

  private schedule(document: vscode.TextDocument): void {
    if (!this.cache.isExperiment(document)) return;
    this.cancel(document);
    const key = document.uri.toString();
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.update(document);
      }, DEBOUNCE_MS),
    );
  }

  private cancel(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
  }

  /** Checks every open experiment again (the plan limits changed). */
  refresh(): void {
    for (const document of vscode.workspace.textDocuments) this.update(document);
  }

  private update(document: vscode.TextDocument): void {
    if (this.isDisposed || !this.cache.isExperiment(document) || document.isClosed) return;
    const { problems } = this.cache.get(document);
    const shown = jsonServiceValidates(document) ? problems.filter((p) => p.code !== 'syntax') : problems;
    this.collection.set(
      document.uri,
      shown.map((p) => toDiagnostic(document, p)),
    );
  }
}
