/**
 * Reads an experiment file from disk, parses and validates it, expands CSV globs, checks that the data files it
 * names exist and expands its runs. Shared by the CLI, the trainer and the extension host's run manager.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ExperimentFile, RunPlan } from '../core/config/experimentConfig';
import { expandRuns } from '../core/config/expand';
import { DEFAULT_LIMITS, type PlanLimits } from '../core/config/limits';
import { planSizeIssue } from '../core/config/planChecks';
import { parseExperiment, problemAt } from '../core/config/parse';
import type { Problem } from '../core/config/problem';
import { resolveDataFiles } from './dataFiles';

/** A loaded experiment: `file` and `plans` are set when no problem is an error. */
export interface LoadedExperiment {
  path: string;
  text: string;
  file?: ExperimentFile;
  problems: Problem[];
  plans: RunPlan[];
}

/** "path:line:col: error: message", the format of compilers and VS Code problem matchers. */
export function formatProblem(path: string, problem: Problem): string {
  return `${path}:${problem.line}:${problem.col}: ${problem.severity}: ${problem.message}`;
}

/**
 * Loads, validates and expands the experiment at `path`; I/O failures become problems at 1:1.
 * @param limits runs per file and memory per run (default: the settings' declared defaults)
 */
export async function loadExperiment(path: string, limits?: PlanLimits): Promise<LoadedExperiment> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    return {
      path: absolute,
      text: '',
      problems: [problemAt('', path, [], `Cannot read ${absolute}: ${reason}`)],
      plans: [],
    };
  }
  const { file, problems } = parseExperiment(text, absolute, limits);
  if (!file) return { path: absolute, text, problems, plans: [] };
  const missing = await resolveDataFiles(file, absolute, text);
  if (missing.length > 0) return { path: absolute, text, problems: [...problems, ...missing], plans: [] };
  // Globs counted once while parsing; expanded, they may push the plan past the cap.
  const tooMany = planSizeIssue(
    file as unknown as Record<string, unknown>,
    (limits ?? DEFAULT_LIMITS).maxRuns,
  );
  if (tooMany) {
    const problem = problemAt(text, absolute, ['data', 'path'], tooMany.message, 'too-many-runs');
    return { path: absolute, text, problems: [...problems, problem], plans: [] };
  }
  return { path: absolute, text, file, problems, plans: expandRuns(file) };
}
