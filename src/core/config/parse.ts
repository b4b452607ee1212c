/**
 * Parses an experiment file (JSONC or YAML, chosen from the file name) into a defaulted ExperimentFile plus every
 * problem found, each with a precise line:col range. Pure: no file system; the Node side reads the text.
 */
import type { ExperimentFile, SelectConfig } from './experimentConfig';
import { fileIssues } from './fileChecks';
import { withDefaults } from './defaults';
import { DEFAULT_LIMITS, MAX_PROBLEMS, type PlanLimits } from './limits';
import { schemaIssues, type Issue } from './messages';
import { memoryIssues, planSizeIssue } from './planChecks';
import { LineIndex, sortProblems, type Problem } from './problem';
import { pitfallIssues, runIssues } from './runChecks';
import { schemaErrors } from './schema';
import { locate, parseSource, type SourceNode } from './sourceTree';

/** Result of parseExperiment: `file` is set exactly when no problem is an error. */
export interface ParseResult {
  file?: ExperimentFile;
  problems: Problem[];
}

/** The experiment name implied by a file name: "runs/depth.snn.yaml" -> "depth". */
export function defaultName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const stem = base.replace(/(\.snn)?\.(jsonc?|ya?ml)$/i, '');
  return stem.replace(/\//g, '-') || 'experiment';
}

function place(index: LineIndex, root: SourceNode | undefined, issue: Issue): Problem {
  const { node, depth } = locate(root, issue.path);
  const complete = depth === issue.path.length;
  let range = node ?? { offset: 0, length: 0 };
  if (issue.at === 'key' || !complete || range.length === 0) range = node?.key ?? range;
  if (!node?.key && (issue.at === 'key' || !complete)) {
    range = { offset: range.offset, length: Math.min(1, range.length) };
  }
  const extra = { code: issue.code, ...(issue.fix ? { fix: issue.fix } : {}) };
  return index.problem(issue.severity ?? 'error', issue.message, range.offset, range.length, extra);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses and validates experiment text. Never throws and never expands the plan: bounded in time and memory for
 * any text (docs/robustness.md).
 * @param text the file's content
 * @param fileName used to choose the format (.yaml/.yml: YAML; otherwise JSON with comments) and the default name
 * @param limits runs per file and memory per run (default: the settings' declared defaults)
 */
export function parseExperiment(
  text: string,
  fileName: string,
  limits: PlanLimits = DEFAULT_LIMITS,
): ParseResult {
  const index = new LineIndex(text);
  try {
    return checkText(text, fileName, index, limits);
  } catch (error) {
    // A last line of defence (a stack overflow in a library on input no check foresaw): a problem, not a crash.
    const message = `SNN Lab could not check this file: ${error instanceof Error ? error.message : String(error)}`;
    return { problems: [index.problem('error', message, 0, 1, { code: 'internal' })] };
  }
}

function checkText(text: string, fileName: string, index: LineIndex, limits: PlanLimits): ParseResult {
  const source = parseSource(text, fileName);
  if (source.issues.length > 0) {
    const problems = source.issues.map((i) =>
      index.problem('error', i.message, i.offset, i.length, { code: 'syntax' }),
    );
    return { problems: capProblems(sortProblems(problems), index) };
  }
  const value = source.value;
  if (!isRecord(value)) {
    const what = source.format === 'yaml' ? 'a YAML mapping' : 'a JSON object';
    const range = source.root ?? { offset: 0, length: 0 };
    const message = `An experiment file must be ${what} with sections such as data, model and train`;
    return {
      problems: [index.problem('error', message, range.offset, range.length, { code: 'not-object' })],
    };
  }
  const issues: Issue[] = [...schemaIssues(schemaErrors(value), value), ...fileIssues(value)];
  const named = { ...value, name: value.name ?? defaultName(fileName) };
  const hasError = (): boolean => issues.some((issue) => (issue.severity ?? 'error') === 'error');
  // Cheapest first: the run count is arithmetic; the per-run checks then cost at most one run per sweep value.
  if (!hasError()) issues.push(...[planSizeIssue(named, limits.maxRuns)].filter((i) => i !== undefined));
  if (!hasError()) issues.push(...runIssues(named));
  if (!hasError()) issues.push(...memoryIssues(named, limits));
  if (!hasError()) issues.push(...pitfallIssues(named));
  const problems = capProblems(sortProblems(issues.map((issue) => place(index, source.root, issue))), index);
  if (problems.some((p) => p.severity === 'error')) return { problems };
  return { file: toExperimentFile(named), problems };
}

/** The first MAX_PROBLEMS problems, plus one that counts the rest (an error when an error is among them). */
function capProblems(problems: Problem[], index: LineIndex): Problem[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  const shown = problems.slice(0, MAX_PROBLEMS);
  const rest = problems.slice(MAX_PROBLEMS);
  const first = rest[0] as Problem;
  const severity = rest.some((p) => p.severity === 'error') ? 'error' : 'warning';
  const message = `... and ${rest.length.toLocaleString('en-US')} more problems not shown`;
  return [...shown, index.problem(severity, message, first.offset, first.length, { code: 'more-problems' })];
}

/** Applies defaults, takes sweep.select out of the grid and normalises the executor (Slurm settings only for kind "slurm"). */
function toExperimentFile(value: Record<string, unknown>): ExperimentFile {
  const { $schema: _schema, ...rest } = withDefaults(value) as Record<string, unknown>;
  const file = rest as unknown as ExperimentFile;
  const { select, ...grid } = file.sweep as Record<string, unknown>;
  file.sweep = grid as Record<string, unknown[]>;
  if (isRecord(select)) file.select = select as unknown as SelectConfig;
  if (file.executor.kind === 'local') file.executor = { kind: 'local' };
  return file;
}

/** An error Problem at the value of `path` in the text (1:1 when the text cannot be parsed or lacks the path). */
export function problemAt(
  text: string,
  fileName: string,
  path: (string | number)[],
  message: string,
  code = 'error',
): Problem {
  const source = parseSource(text, fileName);
  return place(new LineIndex(text), source.root, { path, at: 'value', message, code });
}
