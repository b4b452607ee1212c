/**
 * The compared runs as study groups for the Curves and Layers tabs' "aggregate repeats/folds" view: runs sharing
 * every study coordinate but repeat and fold (core/study groupRuns) form one group, drawn as the group mean with a
 * ± std band (core/study meanBand and aggregateLayers). Runs without study keys stand alone. Pure: tested in Node.
 */
import { meanBand, type BandPoint, type CurvePoint } from '../../../src/core/study/curves';
import {
  coordinateLabel,
  groupRuns,
  keyValue,
  REPLICATE_KEYS,
  studyKeys,
  type StudyRun,
} from '../../../src/core/study/group';
import { aggregateLayers, type LayerAggregateLine } from '../../../src/core/study/layers';
import type { RunView } from '../../shared/store';
import { atStep } from '../selectors';

export interface RunGroup {
  id: string;
  /** The coordinates that tell the compared groups apart (e.g. "SNN/model.depth=16"), or "all runs". */
  label: string;
  runs: RunView[];
}

/**
 * Groups of the compared runs, in the order of their first run. Runs of different experiment files never share a
 * group; a run without study keys (recorded before studies) is a group of its own.
 */
export function groupCompared(runs: readonly RunView[]): RunGroup[] {
  const study: StudyRun[] = runs.map((r) => ({
    id: r.info.runId,
    coordinates: r.info.study ?? { experiment: r.info.name, sweepPoint: {} },
    metrics: {},
  }));
  const keys = studyKeys(study).filter((k) => !REPLICATE_KEYS.includes(k));
  // Only keys that differ between the compared runs name a group ("SNN", not "depth/SNN/model.depth=16").
  const varying = keys.filter(
    (k) => new Set(study.map((s) => JSON.stringify(keyValue(s.coordinates, k) ?? null))).size > 1,
  );
  const byFile = new Map<string, StudyRun[]>();
  runs.forEach((r, i) => {
    const file = r.info.study?.file ?? `run:${r.info.runId}`;
    byFile.set(file, [...(byFile.get(file) ?? []), study[i] as StudyRun]);
  });
  const byId = new Map(runs.map((r) => [r.info.runId as string, r]));
  const groups = [...byFile].flatMap(([file, members]) =>
    groupRuns(members, { by: keys }).map((g) => ({
      id: `${file}|${g.id}`,
      label: coordinateLabel((g.runs[0] as StudyRun).coordinates, varying) || 'all runs',
      runs: g.runs.flatMap((s) => byId.get(s.id) ?? []),
    })),
  );
  const first = new Map(runs.map((r, i) => [r.info.runId as string, i]));
  const order = (g: RunGroup): number => first.get(g.runs[0]?.info.runId ?? '') ?? 0;
  return groups.sort((p, q) => order(p) - order(q));
}

/** Bins of a binned band (per-step curves are thinned differently per run, so their steps rarely coincide). */
export const BAND_BINS = 200;

/**
 * Mean ± std of several runs' curves. Curves whose x values coincide (epoch metrics of repeats) align exactly, as
 * core/study meanBand; otherwise (per-step losses, which the host thins per run) each curve is first averaged
 * within `bins` equal-width x bins, and the bins' centres align.
 */
export function curveBand(curves: readonly (readonly CurvePoint[])[], bins = BAND_BINS): BandPoint[] {
  const xs = new Set<number>();
  let longest = 0;
  for (const c of curves) {
    for (const p of c) xs.add(p.x);
    longest = Math.max(longest, c.length);
  }
  if (xs.size <= longest * 1.5) return meanBand(curves);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const width = (hi - lo) / bins || 1;
  const binned = curves.map((c) => {
    const sums = new Map<number, { sum: number; n: number }>();
    for (const { x, y } of c) {
      if (!Number.isFinite(y)) continue;
      const k = Math.min(bins - 1, Math.floor((x - lo) / width));
      const s = sums.get(k) ?? { sum: 0, n: 0 };
      s.sum += y;
      s.n++;
      sums.set(k, s);
    }
    return [...sums].map(([k, s]) => ({ x: lo + (k + 0.5) * width, y: s.sum / s.n }));
  });
  return meanBand(binned);
}

/** A group's per-layer means and spreads at every step its runs reported (exactly aligned steps). */
export function groupLayers(group: RunGroup): LayerAggregateLine[] {
  return aggregateLayers(group.runs.map((r) => r.frames));
}

/** The aggregate at `step` (the last reported step <= `step`). */
export function layersAt(lines: readonly LayerAggregateLine[], step: number): LayerAggregateLine | undefined {
  return atStep(lines, step);
}
