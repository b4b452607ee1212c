/**
 * Groups of a study: runs that share every coordinate except the replicate keys (repeat, fold) form one group, e.g.
 * "depth/SNN/model.depth=16" with 3 repeats x 5 folds. Which keys group is a parameter (`by`), so the same code
 * serves the CLI's --group-by and the dashboard. Pure data in, plain JSON out (usable in a webview).
 */
import { formatValue } from '../config/formatValue';
import { describe, type Summary } from './describe';

/** Where a run sits in a study. */
export interface StudyCoordinates {
  experiment: string;
  variant?: string;
  /** Sweep coordinates, dotted key -> value (e.g. "model.depth" -> 16). */
  sweepPoint: Readonly<Record<string, unknown>>;
  /** Data set label (the CSV file relative to the experiment) when the study spans several data sets. */
  dataset?: string;
  /** 0-based repeat and fold indices, when the plan has them. */
  repeat?: number;
  fold?: number;
}

/** One run as the study sees it. */
export interface StudyRun {
  id: string;
  coordinates: StudyCoordinates;
  /** Final metrics, e.g. test_accuracy, test_auc, val_loss (non-finite values are kept and reported as excluded). */
  metrics: Readonly<Record<string, number>>;
  /** ISO 8601 creation time: of several runs with identical coordinates only the newest counts. */
  createdAt?: string;
}

/** A coordinate name: "experiment", "variant", "dataset", "repeat", "fold" or a dotted sweep key. */
export type StudyKey = string;

const FIXED_KEYS = ['experiment', 'variant'] as const;
/** The keys whose runs are replicates of one another. */
export const REPLICATE_KEYS: readonly StudyKey[] = ['repeat', 'fold'];

/** The value of `key` for a run (undefined when the run has no such coordinate). */
export function keyValue(c: StudyCoordinates, key: StudyKey): unknown {
  switch (key) {
    case 'experiment':
      return c.experiment;
    case 'variant':
      return c.variant;
    case 'dataset':
      return c.dataset;
    case 'repeat':
      return c.repeat;
    case 'fold':
      return c.fold;
    default:
      return c.sweepPoint[key];
  }
}

/** Every key the runs use, in the order experiment, variant, sweep keys (first appearance), dataset, repeat, fold. */
export function studyKeys(runs: readonly StudyRun[]): StudyKey[] {
  const sweep = new Set<string>();
  for (const run of runs) for (const key of Object.keys(run.coordinates.sweepPoint)) sweep.add(key);
  const present = (key: StudyKey): boolean => runs.some((r) => keyValue(r.coordinates, key) !== undefined);
  return [...FIXED_KEYS.filter(present), ...sweep, ...['dataset', ...REPLICATE_KEYS].filter(present)];
}

/** The default grouping: every key the runs use except repeat and fold. */
export function defaultGroupBy(runs: readonly StudyRun[]): StudyKey[] {
  return studyKeys(runs).filter((key) => !REPLICATE_KEYS.includes(key));
}

/** Canonical text of the values of `keys` (JSON, so 1 and "1" stay apart). */
export function coordinateId(c: StudyCoordinates, keys: readonly StudyKey[]): string {
  return JSON.stringify(keys.map((key) => keyValue(c, key) ?? null));
}

/**
 * A readable label for the values of `keys`, shaped like a run name: "experiment/variant/k=v,k=v/data=x/repeat=0,
 * fold=2" (only the parts present).
 */
export function coordinateLabel(c: StudyCoordinates, keys: readonly StudyKey[]): string {
  const parts: string[] = [];
  const sweep: string[] = [];
  const tail: string[] = [];
  for (const key of keys) {
    const value = keyValue(c, key);
    if (value === undefined) continue;
    if (key === 'experiment' || key === 'variant') parts.push(formatValue(value));
    else if (key === 'dataset') tail.push(`data=${formatValue(value)}`);
    else if (key === 'repeat' || key === 'fold') tail.push(`${key}=${formatValue(value)}`);
    else sweep.push(`${key}=${formatValue(value)}`);
  }
  if (sweep.length > 0) parts.push(sweep.join(','));
  if (tail.length > 0) parts.push(tail.join(','));
  return parts.join('/');
}

/** Of several runs with identical coordinates (a plan run twice), keeps the newest; order otherwise kept. */
export function latestPerCoordinates(runs: readonly StudyRun[]): StudyRun[] {
  const all = studyKeys(runs);
  const newest = new Map<string, StudyRun>();
  for (const run of runs) {
    const id = coordinateId(run.coordinates, all);
    const kept = newest.get(id);
    if (kept === undefined || (run.createdAt ?? '') > (kept.createdAt ?? '')) newest.set(id, run);
  }
  const keep = new Set(newest.values());
  return runs.filter((run) => keep.has(run));
}

export interface StudyGroup {
  /** Canonical id (JSON of the group-by values). */
  id: string;
  /** Readable label, e.g. "depth/SNN/model.depth=16". */
  label: string;
  /** The group-by keys and this group's value of each. */
  by: StudyKey[];
  values: Record<StudyKey, unknown>;
  runs: StudyRun[];
}

/** Splits runs into groups by the values of `by` (default: every key but repeat and fold), in first-seen order. */
export function groupRuns(
  runs: readonly StudyRun[],
  options: { by?: readonly StudyKey[] } = {},
): StudyGroup[] {
  const by = [...(options.by ?? defaultGroupBy(runs))];
  const groups = new Map<string, StudyGroup>();
  for (const run of runs) {
    const id = coordinateId(run.coordinates, by);
    let group = groups.get(id);
    if (group === undefined) {
      const values = Object.fromEntries(by.map((key) => [key, keyValue(run.coordinates, key)]));
      group = { id, label: coordinateLabel(run.coordinates, by) || '(all runs)', by, values, runs: [] };
      groups.set(id, group);
    }
    group.runs.push(run);
  }
  return [...groups.values()];
}

/** Every metric name of the runs, in first-seen order. */
export function metricNames(runs: readonly StudyRun[]): string[] {
  const names = new Set<string>();
  for (const run of runs) for (const name of Object.keys(run.metrics)) names.add(name);
  return [...names];
}

/**
 * The metrics a study reports by default: every `test_` metric the runs have, else every metric, sorted by name
 * (`snn-lab study` without --metric, and the Study tab's table).
 */
export function defaultMetrics(runs: readonly StudyRun[]): string[] {
  const names = [...new Set(runs.flatMap((run) => Object.keys(run.metrics)))].sort();
  const test = names.filter((name) => name.startsWith('test_'));
  return test.length > 0 ? test : names;
}

export interface GroupSummary {
  id: string;
  label: string;
  values: Record<StudyKey, unknown>;
  /** Runs in the group. */
  runs: number;
  /** Per metric; a run without the metric counts in neither n nor excluded (runs - n - excluded are missing). */
  metrics: Record<string, Summary>;
}

/** n, mean, std, confidence interval, min and max of every metric (or those named) in every group. */
export function summarizeGroups(
  groups: readonly StudyGroup[],
  options: { metrics?: readonly string[]; level?: number } = {},
): GroupSummary[] {
  return groups.map((group) => {
    const names = options.metrics ?? metricNames(group.runs);
    const metrics: Record<string, Summary> = {};
    for (const name of names) {
      const values = group.runs.flatMap((run) => (name in run.metrics ? [run.metrics[name] as number] : []));
      metrics[name] = describe(values, { level: options.level });
    }
    return { id: group.id, label: group.label, values: group.values, runs: group.runs.length, metrics };
  });
}
