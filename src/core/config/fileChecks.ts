/**
 * File-level checks the JSON Schema cannot express: sweep keys must name a real setting, data keys that the
 * chosen source ignores, Slurm settings on a local executor, sbatch options SNN Lab sets itself, a validation
 * fraction next to k folds.
 */
import { sbatchConflict } from '../slurm/validate';
import { didYouMean, renameKeyFix, type Issue } from './messages';
import { sweepKeys } from './schema';

/** Data keys each source reads (besides source, split, standardize). */
export const DATA_KEYS_BY_SOURCE: Record<string, string[]> = {
  csv: ['path', 'header', 'target', 'task', 'features', 'foldColumn'],
  mnist: ['samples'],
  idx: ['path', 'train', 'test', 'samples', 'testSamples'],
  synthetic: ['samples', 'kind', 'features', 'classes', 'noise'],
};

const SLURM_KEYS = [
  'partition',
  'timeLimit',
  'cpusPerTask',
  'memory',
  'parallel',
  'sbatchOptions',
  'runsDir',
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks of a schema-shaped file value; returns errors and warnings. */
export function fileIssues(file: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
  if (isRecord(file.sweep)) {
    const known = sweepKeys();
    for (const key of Object.keys(file.sweep)) {
      if (known.includes(key) || key === 'select') continue;
      const fix = renameKeyFix(['sweep', key], known, file.sweep);
      issues.push({
        path: ['sweep', key],
        at: 'key',
        code: 'unknown-sweep-key',
        message: `Unknown sweep key "${key}": use a dotted setting such as "model.depth".${didYouMean(key, known)}`,
        ...(fix ? { fix } : {}),
      });
    }
  }
  issues.push(...unusedDataKeys(file.data, ['data']));
  if (isRecord(file.variants)) {
    for (const [name, override] of Object.entries(file.variants)) {
      if (isRecord(override) && isRecord(override.data) && override.data.source !== undefined) {
        issues.push(...unusedDataKeys(override.data, ['variants', name, 'data']));
      }
    }
  }
  if (isRecord(file.executor) && file.executor.kind === 'slurm') {
    const options = Array.isArray(file.executor.sbatchOptions) ? file.executor.sbatchOptions : [];
    options.forEach((option, i) => {
      const own = typeof option === 'string' ? sbatchConflict(option) : undefined;
      if (!own) return;
      issues.push({
        path: ['executor', 'sbatchOptions', i],
        at: 'value',
        code: 'sbatch-conflict',
        message: `${own} is set by SNN Lab itself (the job array, its output files, no requeue); remove it from executor.sbatchOptions`,
      });
    });
  }
  if (isRecord(file.executor) && (file.executor.kind ?? 'local') === 'local') {
    for (const key of SLURM_KEYS.filter((k) => isRecord(file.executor) && k in file.executor)) {
      issues.push({
        path: ['executor', key],
        at: 'key',
        code: 'unused-key',
        severity: 'warning',
        message: `executor.${key} is only used when executor.kind is "slurm"`,
      });
    }
  }
  return issues;
}

function unusedDataKeys(data: unknown, at: string[]): Issue[] {
  if (!isRecord(data)) return [];
  const source = typeof data.source === 'string' ? data.source : 'synthetic';
  const used = DATA_KEYS_BY_SOURCE[source];
  if (!used) return [];
  const issues: Issue[] = [];
  for (const key of Object.keys(data)) {
    const sourceSpecific = Object.values(DATA_KEYS_BY_SOURCE).some((keys) => keys.includes(key));
    if (sourceSpecific && !used.includes(key)) {
      issues.push({
        path: [...at, key],
        at: 'key',
        code: 'unused-key',
        severity: 'warning',
        message: `data.${key} is not used when data.source is "${source}"`,
      });
    }
  }
  const split = data.split;
  if (source === 'idx' && isRecord(split) && 'test' in split) {
    issues.push({
      path: [...at, 'split', 'test'],
      at: 'key',
      code: 'unused-key',
      severity: 'warning',
      message: 'data.split.test is ignored when data.source is "idx": the test files are the test part',
    });
  }
  if (isRecord(split) && typeof split.folds === 'number' && split.folds >= 2 && 'validation' in split) {
    issues.push({
      path: [...at, 'split', 'validation'],
      at: 'key',
      code: 'unused-key',
      severity: 'warning',
      message: `data.split.validation is ignored with k folds: each fold validates on its held-out part`,
    });
  }
  return issues;
}
