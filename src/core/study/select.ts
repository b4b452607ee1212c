/**
 * Nested selection (sweep.select): within every variant, data set, repeat and fold, the sweep point whose run has
 * the best validation metric is chosen, and the study goes on with that run's test metrics, so the choice never
 * sees the data it is judged on. A unit whose runs lack the metric is reported, not silently dropped.
 */
import { coordinateId, coordinateLabel, studyKeys, type StudyRun } from './group';

export interface SelectOptions {
  /** A validation metric, e.g. "val_auc". */
  metric: string;
  /** Default: min for losses and mse, max otherwise. */
  mode?: 'min' | 'max';
}

export interface SelectionChoice {
  /** The unit (variant, data set, repeat, fold) the choice was made in. */
  unit: string;
  /** The chosen run and its sweep point; undefined when no run of the unit recorded the metric. */
  runId?: string;
  point?: Record<string, unknown>;
  value?: number;
  /** Runs (sweep points) the choice was made among. */
  candidates: number;
}

/** Whether `metric` is minimised by default. */
export function minimised(metric: string): boolean {
  return /loss|mse/.test(metric);
}

/**
 * Picks one run per unit. Each run's selection value is read from `validation(run)` (the tested epoch's
 * metrics); the returned runs keep their metrics but lose their sweep point, so the default grouping gives one
 * group per variant (and data set) holding the selected runs.
 */
export function selectPoints(
  runs: readonly StudyRun[],
  validation: (run: StudyRun) => Readonly<Record<string, number>> | undefined,
  options: SelectOptions,
): { runs: StudyRun[]; choices: SelectionChoice[] } {
  const lower = (options.mode ?? (minimised(options.metric) ? 'min' : 'max')) === 'min';
  const unitKeys = studyKeys(runs).filter((key) =>
    ['experiment', 'variant', 'dataset', 'repeat', 'fold'].includes(key),
  );
  const units = new Map<string, StudyRun[]>();
  for (const run of runs) {
    const id = coordinateId(run.coordinates, unitKeys);
    const list = units.get(id);
    if (list) list.push(run);
    else units.set(id, [run]);
  }
  const selected: StudyRun[] = [];
  const choices: SelectionChoice[] = [];
  for (const members of units.values()) {
    const unit = coordinateLabel((members[0] as StudyRun).coordinates, unitKeys);
    let best: { run: StudyRun; value: number } | undefined;
    for (const run of members) {
      const value = validation(run)?.[options.metric];
      if (value === undefined || !Number.isFinite(value)) continue;
      if (!best || (lower ? value < best.value : value > best.value)) best = { run, value };
    }
    if (!best) {
      choices.push({ unit, candidates: members.length });
      continue;
    }
    choices.push({
      unit,
      runId: best.run.id,
      point: { ...best.run.coordinates.sweepPoint },
      value: best.value,
      candidates: members.length,
    });
    selected.push({ ...best.run, coordinates: { ...best.run.coordinates, sweepPoint: {} } });
  }
  return { runs: selected, choices };
}
