/**
 * What the Study tab shows, computed by src/core/study from the study's runs: the studies to choose from, the
 * groups and their summaries (as `snn-lab study` prints them), the table's sort order, and the automatic choices of
 * the plot and the comparison. Pure: tested in Node.
 */
import { formatValue } from '../../../src/core/config/formatValue';
import {
  defaultGroupBy,
  defaultMetrics,
  groupRuns,
  keyValue,
  metricNames,
  REPLICATE_KEYS,
  studyKeys,
  summarizeGroups,
  type GroupSummary,
  type StudyGroup,
  type StudyKey,
  type StudyRun,
} from '../../../src/core/study/group';
import type { RunInfo } from '../../../src/protocol/webview';
import type { StudyState } from '../../shared/studyData';
import type { StudyUi } from './studyUi';

export interface StudyChoice {
  file: string;
  label: string;
  /** Training runs of the file, and how many finished. */
  runs: number;
  finished: number;
  /** Newest creation time (ISO 8601). */
  newest: string;
}

/** The experiment file's name without its folders. */
export const baseName = (file: string): string => file.split(/[\\/]/).pop() ?? file;

/** Every study the store holds (training runs by experiment file), newest first. */
export function studyChoices(allRuns: readonly RunInfo[]): StudyChoice[] {
  const byFile = new Map<string, StudyChoice>();
  for (const run of allRuns) {
    const file = run.study?.file;
    if (run.mode !== 'train' || !file) continue;
    let choice = byFile.get(file);
    if (!choice) {
      const label = `${run.study?.experiment ?? run.name} (${baseName(file)})`;
      choice = { file, label, runs: 0, finished: 0, newest: '' };
      byFile.set(file, choice);
    }
    choice.runs++;
    if (run.status === 'finished') choice.finished++;
    if (run.createdAt > choice.newest) choice.newest = run.createdAt;
  }
  return [...byFile.values()].sort((a, b) => (a.newest < b.newest ? 1 : a.newest > b.newest ? -1 : 0));
}

/** The study to show: the chosen one, else that of the first compared run, else the newest. */
export function chooseStudy(
  file: string,
  choices: readonly StudyChoice[],
  compared: readonly RunInfo[],
): string | undefined {
  if (file !== '' && choices.some((c) => c.file === file)) return file;
  const fromCompared = compared.map((r) => r.study?.file).find((f) => choices.some((c) => c.file === f));
  return fromCompared ?? choices[0]?.file;
}

export interface StudyView {
  runs: StudyRun[];
  keys: StudyKey[];
  groupBy: StudyKey[];
  groups: StudyGroup[];
  /** Table columns, and every final metric of the runs. */
  metrics: string[];
  allMetrics: string[];
  summaries: GroupSummary[];
}

/** Groups (the chosen keys, else every key but repeat and fold) and their summaries at the 95 % level. */
export function studyView(study: StudyState, ui: StudyUi): StudyView {
  const runs = study.runs;
  const keys = studyKeys(runs);
  const chosen = ui.groupBy?.filter((k) => keys.includes(k));
  const groupBy = chosen ?? defaultGroupBy(runs);
  const groups = groupRuns(runs, { by: groupBy });
  const allMetrics = [...metricNames(runs)].sort();
  const metrics = ui.metrics === 'all' ? allMetrics : defaultMetrics(runs);
  return {
    runs,
    keys,
    groupBy,
    groups,
    metrics,
    allMetrics,
    summaries: summarizeGroups(groups, { metrics }),
  };
}

/** Orders two coordinate values: numbers numerically, then strings, absent last. */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  const x = formatValue(a);
  const y = formatValue(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Sorted table rows: by '' (study order), 'group' (coordinates key by key), 'runs' or a metric's mean. Groups
 * whose mean is NaN (no finite value) stay last in either direction.
 */
export function sortSummaries(
  summaries: readonly GroupSummary[],
  groupBy: readonly StudyKey[],
  sortKey: string,
  descending: boolean,
): GroupSummary[] {
  if (sortKey === '') return [...summaries];
  const sign = descending ? -1 : 1;
  const order = summaries.map((s, i) => ({ s, i }));
  order.sort((p, q) => {
    if (sortKey === 'group') {
      for (const key of groupBy) {
        const c = compareValues(p.s.values[key], q.s.values[key]);
        if (c !== 0) return sign * c;
      }
      return p.i - q.i;
    }
    if (sortKey === 'runs') return sign * (p.s.runs - q.s.runs) || p.i - q.i;
    const a = p.s.metrics[sortKey]?.mean ?? Number.NaN;
    const b = q.s.metrics[sortKey]?.mean ?? Number.NaN;
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? p.i - q.i : 1) : -1;
    return sign * (a - b) || p.i - q.i;
  });
  return order.map((o) => o.s);
}

/** Distinct values of `key` among the runs, as JSON ids with their labels; numbers ascending, else first seen. */
export function keyValues(
  runs: readonly StudyRun[],
  key: StudyKey,
): { id: string; value: unknown; label: string }[] {
  const seen = new Map<string, unknown>();
  for (const run of runs) {
    const value = keyValue(run.coordinates, key);
    const id = JSON.stringify(value ?? null);
    if (!seen.has(id)) seen.set(id, value);
  }
  const list = [...seen].map(([id, value]) => ({
    id,
    value,
    label: value === undefined ? '-' : formatValue(value),
  }));
  if (list.every((v) => typeof v.value === 'number')) {
    list.sort((a, b) => (a.value as number) - (b.value as number));
  }
  return list;
}

/** Keys a plot or comparison can vary: not repeat or fold, with at least two values among the runs. */
export function varyingKeys(runs: readonly StudyRun[]): StudyKey[] {
  return studyKeys(runs).filter((key) => !REPLICATE_KEYS.includes(key) && keyValues(runs, key).length >= 2);
}
