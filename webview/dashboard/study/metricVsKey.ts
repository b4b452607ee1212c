/**
 * The Study tab's plot model: a metric's group mean against one study key, one line per value of another key,
 * with error bars of ± one standard deviation or the 95 % Student-t interval (core/study describe). Keys that are
 * neither on the x axis nor the lines are held at a chosen value or pooled. Pure: tested in Node.
 */
import {
  defaultMetrics,
  groupRuns,
  keyValue,
  summarizeGroups,
  type StudyGroup,
  type StudyRun,
} from '../../../src/core/study/group';
import type { Summary } from '../../../src/core/study/describe';
import { keyValues, varyingKeys } from './studyModel';
import type { ErrorBars, StudyUi } from './studyUi';

export interface KeyPoint {
  /** Position on x: the key's value when every value is a number, else the value's index. */
  x: number;
  xLabel: string;
  summary: Summary;
  /** Error bar ends (NaN when the group has fewer than two finite values). */
  lower: number;
  upper: number;
}

export interface KeyLine {
  /** The line key's value ('' when one line). */
  label: string;
  points: KeyPoint[];
}

export interface MetricVsKey {
  metric: string;
  x: string;
  /** Line key, or undefined for a single line. */
  line?: string;
  numericX: boolean;
  /** Categorical x: the labels at 0, 1, 2, ... */
  xLabels: string[];
  lines: KeyLine[];
  /** Keys held at one value (key -> label) and keys pooled over their values. */
  held: Record<string, string>;
  pooled: string[];
  bars: ErrorBars;
}

/** The plot's keys and metric: the chosen ones when valid, else the first numeric sweep key, variant lines, etc. */
export function plotChoices(
  runs: readonly StudyRun[],
  ui: Pick<StudyUi, 'plotMetric' | 'plotX' | 'plotLine'>,
): { metric: string; x?: string; line?: string; keys: string[]; metrics: string[] } {
  const keys = varyingKeys(runs);
  const metrics = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const metric = metrics.includes(ui.plotMetric) ? ui.plotMetric : (defaultMetrics(runs)[0] ?? '');
  const numeric = (key: string): boolean => keyValues(runs, key).every((v) => typeof v.value === 'number');
  const x = keys.includes(ui.plotX)
    ? ui.plotX
    : (keys.find((k) => !['experiment', 'variant', 'dataset'].includes(k) && numeric(k)) ?? keys[0]);
  let line: string | undefined;
  if (ui.plotLine === '-') line = undefined;
  else if (keys.includes(ui.plotLine) && ui.plotLine !== x) line = ui.plotLine;
  else line = keys.includes('variant') && x !== 'variant' ? 'variant' : keys.find((k) => k !== x);
  return {
    metric,
    ...(x !== undefined ? { x } : {}),
    ...(line !== undefined ? { line } : {}),
    keys,
    metrics,
  };
}

/** The plot's lines: groups by (line value, x value) of the runs matching the held keys, summarised on `metric`. */
export function metricVsKey(
  runs: readonly StudyRun[],
  o: { metric: string; x: string; line?: string; fixed: Record<string, string>; bars: ErrorBars },
): MetricVsKey {
  const others = varyingKeys(runs).filter((k) => k !== o.x && k !== o.line);
  const held: Record<string, string> = {};
  const pooled: string[] = [];
  let kept = [...runs];
  for (const key of others) {
    const id = o.fixed[key];
    const match = id === undefined ? undefined : keyValues(runs, key).find((v) => v.id === id);
    if (!match) {
      pooled.push(key);
      continue;
    }
    held[key] = match.label;
    kept = kept.filter((r) => JSON.stringify(keyValue(r.coordinates, key) ?? null) === id);
  }
  const xs = keyValues(kept, o.x);
  const numericX = xs.every((v) => typeof v.value === 'number');
  const position = new Map(xs.map((v, i) => [v.id, numericX ? (v.value as number) : i]));
  const groups = groupRuns(kept, { by: o.line ? [o.line, o.x] : [o.x] });
  const summaries = summarizeGroups(groups, { metrics: [o.metric] });
  const lineIds = o.line ? keyValues(kept, o.line) : [{ id: '', label: '', value: undefined }];
  const lines: KeyLine[] = lineIds.map((lv) => {
    const points: KeyPoint[] = [];
    summaries.forEach((s, i) => {
      const group = groups[i] as StudyGroup;
      if (o.line && JSON.stringify(group.values[o.line] ?? null) !== lv.id) return;
      const xid = JSON.stringify(group.values[o.x] ?? null);
      const summary = s.metrics[o.metric] as Summary;
      const std = o.bars === 'std';
      points.push({
        x: position.get(xid) as number,
        xLabel: xs.find((v) => v.id === xid)?.label ?? '',
        summary,
        lower: std ? summary.mean - summary.std : summary.ciLow,
        upper: std ? summary.mean + summary.std : summary.ciHigh,
      });
    });
    points.sort((p, q) => p.x - q.x);
    return { label: lv.label, points };
  });
  return {
    metric: o.metric,
    x: o.x,
    ...(o.line ? { line: o.line } : {}),
    numericX,
    xLabels: xs.map((v) => v.label),
    lines: lines.filter((l) => l.points.length > 0),
    held,
    pooled,
    bars: o.bars,
  };
}
