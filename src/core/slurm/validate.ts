/**
 * Checks a SlurmExecutorConfig before anything reaches `sbatch`, so a typo is reported against the field
 * (`executor.timeLimit: ...`) instead of as a refused submission minutes later. The rules are the experiment
 * schema's (`executor` section: patterns and ranges), so a file's validation and a submission cannot disagree;
 * only the options SNN Lab sets itself are checked here, since no schema keyword reads getopt's syntax. Pure.
 */
import type { SlurmExecutorConfig } from '../config/experimentConfig';
import { schemaIssues, describePath } from '../config/messages';
import { schemaErrors } from '../config/schema';

/** One problem with an executor field; `path` is dotted from the experiment root, e.g. "executor.memory". */
export interface SlurmConfigProblem {
  path: string;
  message: string;
}

/** sbatch options SNN Lab writes itself (docs/slurm.md): a second value would break the job array's bookkeeping. */
const OWN_LONG = ['array', 'output', 'error', 'parsable', 'wrap', 'requeue'];
/** Their short forms. */
const OWN_SHORT = new Set(['a', 'o', 'e']);
/** sbatch's short options that take no value, so getopt reads the next letter as another option (`-Qo x`). */
const SHORT_FLAGS = new Set(['H', 'I', 'k', 'O', 'Q', 's', 'v', 'V', 'h', 'u']);

/**
 * Why an sbatch option conflicts with SNN Lab's own, or undefined. Follows getopt: a long option may be
 * abbreviated (`--out=x`) and a value may be attached to a short one (`-ofoo`, `-a0-99`) or follow flags (`-Qofoo`).
 */
export function sbatchConflict(option: string): string | undefined {
  const long = /^--([^=\s]+)/.exec(option);
  if (long) {
    const name = long[1] as string;
    const own = OWN_LONG.find((candidate) => candidate.startsWith(name));
    return own ? `--${own}` : undefined;
  }
  const short = /^-([A-Za-z]+)/.exec(option)?.[1] ?? '';
  for (const letter of short) {
    if (OWN_SHORT.has(letter)) return `-${letter}`;
    if (!SHORT_FLAGS.has(letter)) return undefined;
  }
  return undefined;
}

/** Returns every problem found (empty when the config can be submitted). */
export function validateSlurmConfig(config: SlurmExecutorConfig, base = 'executor'): SlurmConfigProblem[] {
  const executor = { ...config, kind: 'slurm' };
  const value = { executor };
  const problems = schemaIssues(schemaErrors(value), value).map((issue) => {
    const [, ...field] = issue.path;
    const path = describePath([base, ...field]);
    // The schema's messages start with the path; here the path is a field of its own.
    const message = issue.message.startsWith(describePath(issue.path))
      ? issue.message.slice(describePath(issue.path).length).trim()
      : issue.message;
    return { path, message };
  });
  (config.sbatchOptions ?? []).forEach((option, i) => {
    const own = typeof option === 'string' ? sbatchConflict(option) : undefined;
    if (own) {
      problems.push({
        path: `${base}.sbatchOptions[${i}]`,
        message: `${JSON.stringify(option)} sets ${own}, which SNN Lab sets itself (--array, --output, --no-requeue; see docs/slurm.md)`,
      });
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
