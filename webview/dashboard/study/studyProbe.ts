/**
 * What the Study tab shows, for window.__snnLab.study(): the table's groups and summaries in display order, the
 * plot's model and the pixels of its points and error bars, the paired comparison and DeLong's pairs. Read-only.
 */
import type { PairedComparison } from '../../../src/core/study/compare';
import type { DelongPair } from '../../../src/core/study/delongPairs';
import type { GroupSummary } from '../../../src/core/study/group';
import type { PaintedBar } from '../charts/errorBarChart';
import type { MetricVsKey } from './metricVsKey';

export interface StudyProbe {
  file?: string;
  /** Table columns and rows as shown (sorted). */
  metrics: string[];
  groupBy: string[];
  rows: GroupSummary[];
  plot?: MetricVsKey;
  /** Points and bars of the last paint of the plot, in canvas CSS pixels. */
  bars: PaintedBar[];
  comparison?: PairedComparison;
  delong?: DelongPair[];
  /** Points of the differences chart, in canvas CSS pixels. */
  differences: PaintedBar[];
}

/** Set by the Study tab while it exists. */
export const studyProbe: { read?: () => StudyProbe } = {};
