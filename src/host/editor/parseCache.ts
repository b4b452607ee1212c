/**
 * Parses open experiment documents once per version and shares the result between diagnostics, quick fixes and
 * code lenses. Only `*.snn.{json,yaml,yml}` documents are parsed.
 */
import type * as vscode from 'vscode';
import { parseExperiment, type ParseResult } from '../../core/config/parse';
import { isExperimentFile } from '../contributionIds';

export const EXPERIMENT_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.snn.{json,yaml,yml}' },
  { scheme: 'untitled', pattern: '**/*.snn.{json,yaml,yml}' },
];

export class ParseCache {
  private readonly entries = new Map<string, { version: number; result: ParseResult }>();

  isExperiment(document: vscode.TextDocument): boolean {
    return isExperimentFile(document.fileName);
  }

  /** The parse of the document's current version. */
  get(document: vscode.TextDocument): ParseResult {
    const key = document.uri.toString();
    const cached = this.entries.get(key);
    if (cached && cached.version === document.version) return cached.result;
    const result = parseExperiment(document.getText(), document.fileName);
    this.entries.set(key, { version: document.version, result });
    return result;
  }

  forget(document: vscode.TextDocument): void {
    this.entries.delete(document.uri.toString());
  }
}
