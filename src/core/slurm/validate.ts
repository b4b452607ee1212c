/**
 * Checks a SlurmExecutorConfig before anything reaches `sbatch`, so a typo is reported against the field
 * (`executor.timeLimit: ...`) instead of as a refused submission minutes later. Pure.
 */
import type { SlurmExecutorConfig } from '../config/experimentConfig';

/** One problem with an executor field; `path` is dotted from the experiment root, e.g. "executor.memory". */
export interface SlurmConfigProblem {
  path: string;
  message: string;
}

/**
 * Slurm's accepted --time forms (sbatch(1), "-t, --time"): "minutes", "minutes:seconds", "hours:minutes:seconds",
 * "days-hours", "days-hours:minutes", "days-hours:minutes:seconds"; plus "UNLIMITED"/"INFINITE".
 */
const TIME =
  /^(?:\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d{1,2}|\d+-\d{1,2}:\d{1,2}|\d+-\d{1,2}:\d{1,2}:\d{1,2}|UNLIMITED|INFINITE)$/i;
/** sbatch --mem: a positive integer with an optional unit suffix K, M, G or T (default unit M). */
const MEMORY = /^[1-9]\d*[KMGT]?$/i;
/** Partition names: Slurm accepts a comma-separated list; names are identifiers without spaces. */
const PARTITION = /^[A-Za-z0-9_.-]+(?:,[A-Za-z0-9_.-]+)*$/;

function positiveInt(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}

/** Returns every problem found (empty when the config can be submitted). */
export function validateSlurmConfig(config: SlurmExecutorConfig, base = 'executor'): SlurmConfigProblem[] {
  const problems: SlurmConfigProblem[] = [];
  const add = (field: string, message: string): void => {
    problems.push({ path: `${base}.${field}`, message });
  };
  if (config.partition !== undefined && !PARTITION.test(config.partition)) {
    add(
      'partition',
      `"${config.partition}" is not a partition name (letters, digits, '_', '.', '-'; comma-separated list allowed)`,
    );
  }
  if (config.timeLimit !== undefined && !TIME.test(config.timeLimit)) {
    add(
      'timeLimit',
      `"${config.timeLimit}" is not a Slurm time: use minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS`,
    );
  }
  if (config.cpusPerTask !== undefined && !positiveInt(config.cpusPerTask)) {
    add('cpusPerTask', `must be an integer >= 1 (got ${JSON.stringify(config.cpusPerTask)})`);
  }
  if (config.memory !== undefined && !MEMORY.test(config.memory)) {
    add(
      'memory',
      `"${config.memory}" is not a Slurm memory size: a positive integer with optional K, M, G or T, e.g. 2G`,
    );
  }
  if (config.parallel !== undefined && !positiveInt(config.parallel)) {
    add('parallel', `must be an integer >= 1 (got ${JSON.stringify(config.parallel)})`);
  }
  (config.sbatchOptions ?? []).forEach((option, i) => {
    if (typeof option !== 'string' || !option.startsWith('-')) {
      add(
        `sbatchOptions[${i}]`,
        `${JSON.stringify(option)} is not an sbatch option (it must start with '-', e.g. "--account=lab")`,
      );
    } else if (/[\r\n]/.test(option)) {
      add(`sbatchOptions[${i}]`, 'must be a single line');
    } else if (/^--?(array|a|output|o|error|e|parsable|wrap|requeue)\b/.test(option)) {
      add(
        `sbatchOptions[${i}]`,
        `"${option}" conflicts with what SNN Lab sets itself (--array, --output, --no-requeue; see docs/slurm.md)`,
      );
    }
  });
  return problems;
}

/** Throws one Error listing every problem (`executor.memory: ...`), or returns when the config is valid. */
export function assertSlurmConfig(config: SlurmExecutorConfig, base = 'executor'): void {
  const problems = validateSlurmConfig(config, base);
  if (problems.length > 0) {
    throw new Error(
      `invalid Slurm executor settings:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`,
    );
  }
}
