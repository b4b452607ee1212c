/**
 * Checks of the study keys the schema cannot express: metrics a run never records (early stopping, sweep.select),
 * a fold column without folds, nested selection without a test part or without a sweep. Each names the key it is
 * about, so it lands at that key's line:col.
 */
import { sweepGrid } from './expand';
import { getPath } from './merge';
import type { Issue } from './messages';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The epoch metric names (without prefix) a run of this data section records. */
function recordedMetrics(data: unknown): string[] {
  const regression = isRecord(data) && data.source === 'csv' && data.task === 'regression';
  return regression ? ['loss', 'mse'] : ['loss', 'accuracy', 'auc'];
}

function unrecorded(metric: string, data: unknown): string | undefined {
  const base = metric.replace(/^val_/, '');
  const recorded = recordedMetrics(data);
  if (recorded.includes(base)) return undefined;
  const task = recorded.includes('mse') ? 'regression' : 'classification';
  return `${metric} is never recorded by a ${task} run (it records ${recorded.map((m) => `${metric.startsWith('val_') ? 'val_' : ''}${m}`).join(', ')})`;
}

/** Problems of one resolved run value (base + variant + sweep value merged and defaulted). */
export function studyRunIssues(run: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
  const data = run.data;
  const metric = getPath(run, ['train', 'earlyStopping', 'metric']);
  const missing = typeof metric === 'string' ? unrecorded(metric, data) : undefined;
  if (missing) {
    issues.push({
      path: ['train', 'earlyStopping', 'metric'],
      at: 'value',
      code: 'unrecorded-metric',
      message: `train.earlyStopping.metric: ${missing}`,
    });
  }
  const folds = getPath(run, ['data', 'split', 'folds']);
  if (isRecord(data) && data.foldColumn !== undefined && !(typeof folds === 'number' && folds >= 2)) {
    issues.push({
      path: ['data', 'foldColumn'],
      at: 'key',
      code: 'fold-column',
      message:
        'data.foldColumn needs data.split.folds set to the number of distinct fold values in that column (at least 2)',
    });
  }
  return issues;
}

/** Problems of sweep.select, checked against every variant's resolved run (`runs`). */
export function selectIssues(
  file: Record<string, unknown>,
  runs: readonly Record<string, unknown>[],
): Issue[] {
  const select = isRecord(file.sweep) ? file.sweep.select : undefined;
  if (!isRecord(select) || typeof select.metric !== 'string') return [];
  const issues: Issue[] = [];
  if (Object.keys(sweepGrid(file.sweep)).length === 0) {
    issues.push({
      path: ['sweep', 'select'],
      at: 'key',
      code: 'select',
      message: 'sweep.select chooses among sweep points, but the sweep has no key to vary',
    });
  }
  for (const run of runs) {
    const missing = unrecorded(select.metric, run.data);
    if (missing) {
      issues.push({
        path: ['sweep', 'select', 'metric'],
        at: 'value',
        code: 'unrecorded-metric',
        message: `sweep.select.metric: ${missing}`,
      });
      break;
    }
    const test = getPath(run, ['data', 'split', 'test']);
    const source = getPath(run, ['data', 'source']);
    if (source !== 'idx' && !(typeof test === 'number' && test > 0)) {
      issues.push({
        path: ['sweep', 'select'],
        at: 'key',
        code: 'select',
        message:
          "sweep.select reports the selected point's test metrics, so the runs need a test part: set data.split.test above 0",
      });
      break;
    }
  }
  return issues;
}
