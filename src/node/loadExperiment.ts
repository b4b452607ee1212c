/**
 * Reads an experiment file from disk, parses and validates it, expands its runs and checks that CSV files it
 * names exist. Shared by the CLI, the trainer and the extension host's run manager.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ExperimentFile, RunPlan } from '../core/config/experimentConfig';
import { expandRuns } from '../core/config/expand';
import { parseExperiment, problemAt } from '../core/config/parse';
import type { Problem } from '../core/config/problem';

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

/** Loads, validates and expands the experiment at `path`; I/O failures become problems at 1:1. */
export async function loadExperiment(path: string): Promise<LoadedExperiment> {
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
  const { file, problems } = parseExperiment(text, absolute);
  if (!file) return { path: absolute, text, problems, plans: [] };
  const plans = expandRuns(file);
  const missing = await missingCsvFiles(text, absolute, file);
  if (missing.length > 0) return { path: absolute, text, problems: [...problems, ...missing], plans: [] };
  return { path: absolute, text, file, problems, plans };
}

/** Errors for CSV paths (base and variants) that do not name an existing file. */
async function missingCsvFiles(text: string, path: string, file: ExperimentFile): Promise<Problem[]> {
  const places: { at: (string | number)[]; csv: string }[] = [];
  if (file.data.source === 'csv') places.push({ at: ['data', 'path'], csv: file.data.path });
  for (const [name, override] of Object.entries(file.variants)) {
    const csv = (override as { data?: { path?: unknown } }).data?.path;
    if (typeof csv === 'string') places.push({ at: ['variants', name, 'data', 'path'], csv });
  }
  const problems: Problem[] = [];
  for (const { at, csv } of places) {
    const target = resolve(dirname(path), csv);
    const info = await stat(target).catch(() => undefined);
    if (!info?.isFile()) {
      problems.push(problemAt(text, path, at, `CSV file not found: ${target}`, 'missing-file'));
    }
  }
  return problems;
}
