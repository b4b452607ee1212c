/**
 * Parses open experiment documents once per version and shares the result between diagnostics, quick fixes and
 * code lenses. Only `*.snn.{json,yaml,yml}` documents are parsed.
 */
import type * as vscode from 'vscode';
import { DEFAULT_LIMITS, type PlanLimits } from '../../core/config/limits';
import { parseExperiment, type ParseResult } from '../../core/config/parse';
import { isExperimentFile } from '../contributionIds';

export const EXPERIMENT_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.snn.{json,yaml,yml}' },
  { scheme: 'untitled', pattern: '**/*.snn.{json,yaml,yml}' },
];

export class ParseCache {
  private readonly entries = new Map<string, { version: number; limits: PlanLimits; result: ParseResult }>();

  /** @param limits the current plan limits (settings snnLab.maxRunsPerFile, snnLab.memoryBudgetMB) */
  constructor(private readonly limits: () => PlanLimits = () => DEFAULT_LIMITS) {}

  isExperiment(document: vscode.TextDocument): boolean {
    return isExperimentFile(document.fileName);
  }

  /** The parse of the document's current version under the current limits. */
  get(document: vscode.TextDocument): ParseResult {
    const key = document.uri.toString();
    const limits = this.limits();
    const cached = this.entries.get(key);
    const same =
      cached?.limits.maxRuns === limits.maxRuns && cached.limits.memoryBudgetMB === limits.memoryBudgetMB;
    if (cached && same && cached.version === document.version) return cached.result;
    const result = parseExperiment(document.getText(), document.fileName, limits);
    this.entries.set(key, { version: document.version, limits, result });
    return result;
  }

  forget(document: vscode.TextDocument): void {
    this.entries.delete(document.uri.toString());
  }
}
