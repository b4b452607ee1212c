/**
 * Checks a resolved RunConfig (what the trainer receives, which trusts nothing) against the experiment JSON Schema:
 * the schema is the only statement of the format's rules, so the trainer and the editor cannot disagree.
 */
import type { RunConfig } from './experimentConfig';
import { schemaIssues } from './messages';
import { schemaErrors } from './schema';

const REQUIRED = ['name', 'seed', 'data', 'model', 'train', 'stats'] as const;
const FILE_ONLY = ['variants', 'sweep', 'executor'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Readable problems ("model.depth must be an integer, got 2.5"), empty when `value` is a valid RunConfig. */
export function checkRunConfig(value: unknown): string[] {
  if (!isRecord(value)) return ['the run config is not an object'];
  const problems: string[] = [];
  for (const key of REQUIRED) if (value[key] === undefined) problems.push(`${key}: missing`);
  for (const key of FILE_ONLY) {
    if (value[key] !== undefined) {
      problems.push(`${key}: belongs to an experiment file, not to one run's config`);
    }
  }
  // A run's name is its plan name ("exp/variant/key=value"), not the file's `name` the schema restricts.
  const { name, ...rest } = value;
  if (typeof name !== 'string' || name === '') {
    problems.push('name: expected the run name (a non-empty string)');
  }
  for (const issue of schemaIssues(schemaErrors(rest), rest)) problems.push(issue.message);
  return problems;
}

/** Narrows after a successful check; throws with every problem otherwise. */
export function asRunConfig(value: unknown): RunConfig {
  const problems = checkRunConfig(value);
  if (problems.length > 0) throw new Error(`invalid run config: ${problems.join('; ')}`);
  return value as RunConfig;
}
