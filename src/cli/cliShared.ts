/**
 * Helpers shared by the run, probe and runs subcommands: exit-code errors, the runs directory, loading an
 * experiment and choosing its plans (printing file:line:col problems), number options.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import type { RunPlan } from '../core/config/experimentConfig';
import { DEFAULT_LIMITS, LIMIT_RANGES, type PlanLimits } from '../core/config/limits';
import { formatProblem, loadExperiment } from '../node/loadExperiment';
import { resolveRunsDirectory } from '../runs/runsDirectory';
import { writeErr } from './output';

/** Exit codes of snn-lab (see src/cli/main.ts). */
export const EXIT = { ok: 0, runFailed: 1, invalidInput: 2 } as const;

/** An error whose message is shown as is (no stack) and which sets the exit code (2: invalid input). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.invalidInput,
  ) {
    super(message);
  }
}

/** Wraps a commander action: a CliError prints `snn-lab: message` and sets its exit code. */
export function action<A extends unknown[]>(
  run: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      writeErr(`snn-lab: ${error.message}\n`);
      process.exitCode = error.exitCode;
    }
  };
}

/** The runs directory by the one rule of src/runs/runsDirectory.ts (--runs-dir, $SNN_LAB_RUNS_DIR, project). */
export function resolveRunsDir(option: string | undefined, experimentPath?: string): string {
  return resolveRunsDirectory({ explicit: option, experimentPath });
}

/** Parses an integer option in [min, max], or throws a CliError naming the option. */
export function parseInteger(
  value: string,
  option: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const number = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(number) || number < min || number > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new CliError(`${option} must be an integer ${range}, got ${JSON.stringify(value)}`);
  }
  return number;
}

/** Flags of the plan limits, as commander passes them. */
export interface LimitFlags {
  maxRuns?: string;
  memoryBudget?: string;
}

/** Adds --max-runs and --memory-budget (the settings snnLab.maxRunsPerFile and snnLab.memoryBudgetMB). */
export function addLimitOptions(command: Command): Command {
  return command
    .option(
      '--max-runs <n>',
      `most runs the file may expand to (default ${DEFAULT_LIMITS.maxRuns}, as the setting ${LIMIT_RANGES.maxRuns.setting})`,
    )
    .option(
      '--memory-budget <MiB>',
      `memory one run may need by estimate (default ${DEFAULT_LIMITS.memoryBudgetMB}, as ${LIMIT_RANGES.memoryBudgetMB.setting})`,
    );
}

/** The limits the flags ask for (defaults for flags not given); a CliError for a value out of range. */
export function limitsFrom(flags: LimitFlags): PlanLimits {
  const read = (key: keyof PlanLimits, flag: string, value: string | undefined): number => {
    if (value === undefined) return DEFAULT_LIMITS[key];
    return parseInteger(value, flag, LIMIT_RANGES[key].min, LIMIT_RANGES[key].max);
  };
  return {
    maxRuns: read('maxRuns', '--max-runs', flags.maxRuns),
    memoryBudgetMB: read('memoryBudgetMB', '--memory-budget', flags.memoryBudget),
  };
}

export interface PlanSelection {
  variant?: string;
  /** 0-based index into the full expanded plan list. */
  index?: number;
}

/**
 * Loads the experiment and returns its absolute path and the selected plans. Problems go to stderr as
 * `file:line:col: severity: message`; any error problem, an unknown variant or an index out of range is a
 * CliError (exit 2).
 */
export async function loadPlans(
  file: string,
  selection: PlanSelection,
  limits?: PlanLimits,
): Promise<{ path: string; plans: RunPlan[] }> {
  const loaded = await loadExperiment(file, limits);
  for (const problem of loaded.problems) writeErr(`${formatProblem(file, problem)}\n`);
  const errors = loaded.problems.filter((p) => p.severity === 'error').length;
  if (errors > 0 || !loaded.file) {
    throw new CliError(`${file}: ${errors} error(s); nothing was run`);
  }
  const all = loaded.plans;
  if (selection.variant !== undefined && selection.index !== undefined) {
    throw new CliError('use either --variant or --index, not both');
  }
  if (selection.index !== undefined) {
    const plan = all[selection.index];
    if (!plan) {
      throw new CliError(
        `--index ${selection.index} is out of range: ${file} expands to ${all.length} run(s) (0..${all.length - 1})`,
      );
    }
    return { path: loaded.path, plans: [plan] };
  }
  if (selection.variant !== undefined) {
    const plans = all.filter((plan) => plan.variant === selection.variant);
    if (plans.length === 0) {
      const names = [...new Set(all.map((plan) => plan.variant).filter((v) => v !== undefined))];
      throw new CliError(
        `unknown variant ${JSON.stringify(selection.variant)}; ${file} has ${names.length > 0 ? `variants ${names.map((n) => JSON.stringify(n)).join(', ')}` : 'no variants'}`,
      );
    }
    return { path: loaded.path, plans };
  }
  if (all.length === 0) throw new CliError(`${file} expands to no runs`);
  return { path: loaded.path, plans: all };
}

/** The trainer bundle beside the CLI bundle (dist/cli.js and dist/trainer.js). */
export function trainerPath(): string {
  return join(__dirname, 'trainer.js');
}
