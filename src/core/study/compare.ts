/**
 * Paired comparison of two study groups on one metric: runs are matched by their pairing keys (default: every key
 * the groups were not formed by, i.e. repeat and fold), values sharing a pairing unit are averaged first (so with
 * pairBy ["dataset"] each data set contributes its mean over repeats/folds, as in the paper's comparisons across
 * data sets), then the paired t-test, Wilcoxon's signed-rank test and the sign test are applied to the pairs.
 */
import { coordinateId, coordinateLabel, keyValue, studyKeys, type StudyGroup, type StudyKey } from './group';
import { signTest, type SignTest } from './signTest';
import { pairedTTest, type PairedTTest } from './tTest';
import { wilcoxonSignedRank, type WilcoxonOptions, type WilcoxonTest } from './wilcoxon';

export interface ComparePairsOptions {
  metric: string;
  /** Keys identifying matched units; default: every key the runs use that is not in the groups' `by`. */
  pairBy?: readonly StudyKey[];
  /** Confidence level of the t interval (default 0.95). */
  level?: number;
  wilcoxon?: WilcoxonOptions;
}

export interface ComparedPair {
  /** Label of the unit, e.g. "repeat=1,fold=3" or "data=iris.csv". */
  unit: string;
  values: Record<StudyKey, unknown>;
  /** Metric of A and of B in this unit (mean over the unit's runs), and A - B. */
  a: number;
  b: number;
  difference: number;
  runsA: number;
  runsB: number;
  /** Ids of the runs behind a and b. */
  idsA: string[];
  idsB: string[];
}

export interface PairedComparison {
  metric: string;
  a: string;
  b: string;
  pairBy: StudyKey[];
  pairs: ComparedPair[];
  /** Units present in only one group, or whose metric is missing or not finite on one side (left out of the tests). */
  unmatched: { unit: string; reason: string }[];
  tTest: PairedTTest;
  wilcoxon: WilcoxonTest;
  sign: SignTest;
}

interface Unit {
  label: string;
  values: Record<StudyKey, unknown>;
  sum: number;
  count: number;
  nonFinite: number;
  ids: string[];
}

/** Mean of the metric per pairing unit of one group; runs without the metric are skipped, non-finite ones counted. */
function unitsOf(group: StudyGroup, metric: string, pairBy: readonly StudyKey[]): Map<string, Unit> {
  const units = new Map<string, Unit>();
  for (const run of group.runs) {
    const id = coordinateId(run.coordinates, pairBy);
    let unit = units.get(id);
    if (unit === undefined) {
      const values = Object.fromEntries(pairBy.map((key) => [key, keyValue(run.coordinates, key)]));
      unit = {
        label: coordinateLabel(run.coordinates, pairBy) || '(all)',
        values,
        sum: 0,
        count: 0,
        nonFinite: 0,
        ids: [],
      };
      units.set(id, unit);
    }
    const value = run.metrics[metric];
    if (value === undefined) continue;
    if (Number.isFinite(value)) {
      unit.sum += value;
      unit.count++;
      unit.ids.push(run.id);
    } else unit.nonFinite++;
  }
  return units;
}

/** Why a unit of one side cannot be used, or undefined when it can. */
function unusable(unit: Unit | undefined, side: string, metric: string): string | undefined {
  if (unit === undefined) return `only in ${side === 'A' ? 'B' : 'A'}`;
  if (unit.nonFinite > 0) return `${metric} not finite in ${side}`;
  if (unit.count === 0) return `${metric} not recorded in ${side}`;
  return undefined;
}

/** Matches the runs of `a` and `b` by the pairing keys and tests the paired differences a - b. */
export function comparePairs(a: StudyGroup, b: StudyGroup, options: ComparePairsOptions): PairedComparison {
  const { metric } = options;
  const by = new Set([...a.by, ...b.by]);
  const pairBy = [...(options.pairBy ?? studyKeys([...a.runs, ...b.runs]).filter((key) => !by.has(key)))];
  const unitsA = unitsOf(a, metric, pairBy);
  const unitsB = unitsOf(b, metric, pairBy);
  const pairs: ComparedPair[] = [];
  const unmatched: { unit: string; reason: string }[] = [];
  for (const id of new Set([...unitsA.keys(), ...unitsB.keys()])) {
    const ua = unitsA.get(id);
    const ub = unitsB.get(id);
    const reason = unusable(ua, 'A', metric) ?? unusable(ub, 'B', metric);
    const label = (ua ?? ub)?.label ?? id;
    if (reason !== undefined || ua === undefined || ub === undefined) {
      unmatched.push({ unit: label, reason: reason ?? 'unmatched' });
      continue;
    }
    const va = ua.sum / ua.count;
    const vb = ub.sum / ub.count;
    pairs.push({
      unit: label,
      values: ua.values,
      a: va,
      b: vb,
      difference: va - vb,
      runsA: ua.count,
      runsB: ub.count,
      idsA: ua.ids,
      idsB: ub.ids,
    });
  }
  const xs = pairs.map((p) => p.a);
  const ys = pairs.map((p) => p.b);
  return {
    metric,
    a: a.label,
    b: b.label,
    pairBy,
    pairs,
    unmatched,
    tTest: pairedTTest(xs, ys, { level: options.level }),
    wilcoxon: wilcoxonSignedRank(xs, ys, options.wilcoxon),
    sign: signTest(xs, ys),
  };
}
