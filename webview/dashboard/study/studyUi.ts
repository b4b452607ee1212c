/**
 * The Study tab's persisted settings (one field of the dashboard's UiState): which study, how runs are grouped,
 * the table's sort and columns, the metric-vs-key plot's choices, and the paired comparison's picks. Restored
 * field by field from an untrusted, possibly older state.
 */
import type { ZeroMethod } from '../../../src/core/study/wilcoxon';

export type ErrorBars = 'std' | 'ci';

export interface StudyUi {
  /** Experiment file of the study ('' = the compared runs' study, else the newest). */
  file: string;
  /** Group-by keys; undefined = every key but repeat and fold. */
  groupBy?: string[];
  /** Table columns: the test metrics (as `snn-lab study`) or every final metric. */
  metrics: 'test' | 'all';
  /** Table sort: '' (study order), 'group', 'runs' or a metric; and direction. */
  sortKey: string;
  sortDescending: boolean;
  /** Show each cell's confidence interval under mean ± std (it is always in the cell's tooltip). */
  showCi: boolean;
  /** Metric vs key plot ('' = automatic choice). */
  plotMetric: string;
  plotX: string;
  /** Key with one line per value ('' = automatic, '-' = one line). */
  plotLine: string;
  errorBars: ErrorBars;
  logX: boolean;
  /** Other keys held at one value (JSON of the value); absent = pooled over all values. */
  fixed: Record<string, string>;
  /** Paired comparison: group ids (JSON of the group-by values), metric, Wilcoxon zero method. */
  compareA: string;
  compareB: string;
  compareMetric: string;
  zeroMethod: ZeroMethod;
}

export const defaultStudyUi: StudyUi = {
  file: '',
  metrics: 'test',
  sortKey: '',
  sortDescending: false,
  showCi: false,
  plotMetric: '',
  plotX: '',
  plotLine: '',
  errorBars: 'std',
  logX: false,
  fixed: {},
  compareA: '',
  compareB: '',
  compareMetric: '',
  zeroMethod: 'pratt',
};

const text = (v: unknown, max = 4096): string => (typeof v === 'string' && v.length <= max ? v : '');

export function restoreStudyUi(saved: unknown): StudyUi {
  if (typeof saved !== 'object' || saved === null) return structuredClone(defaultStudyUi);
  const s = saved as Partial<Record<keyof StudyUi, unknown>>;
  const groupBy = Array.isArray(s.groupBy)
    ? s.groupBy.filter((k): k is string => typeof k === 'string' && k.length <= 200).slice(0, 32)
    : undefined;
  // fromEntries defines own properties: a key named "__proto__" cannot reach the prototype.
  const fixed: Record<string, string> = Object.fromEntries(
    (typeof s.fixed === 'object' && s.fixed !== null ? Object.entries(s.fixed) : [])
      .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].length <= 1000)
      .slice(0, 32),
  );
  return {
    file: text(s.file),
    ...(groupBy ? { groupBy } : {}),
    metrics: s.metrics === 'all' ? 'all' : 'test',
    sortKey: text(s.sortKey, 200),
    sortDescending: s.sortDescending === true,
    showCi: s.showCi === true,
    plotMetric: text(s.plotMetric, 200),
    plotX: text(s.plotX, 200),
    plotLine: text(s.plotLine, 200),
    errorBars: s.errorBars === 'ci' ? 'ci' : 'std',
    logX: s.logX === true,
    fixed,
    compareA: text(s.compareA),
    compareB: text(s.compareB),
    compareMetric: text(s.compareMetric, 200),
    zeroMethod: s.zeroMethod === 'wilcox' || s.zeroMethod === 'zsplit' ? s.zeroMethod : 'pratt',
  };
}
