/**
 * The Study tab's paired comparison as text: the picked groups (default: the first two), the comparison by
 * core/study comparePairs, and the rows of its tests table in the digits `snn-lab study --compare` prints (t to 3
 * decimals, values to 4, p-values by formatP). Pure: tested in Node.
 */
import { comparePairs, type PairedComparison } from '../../../src/core/study/compare';
import type { DelongPair } from '../../../src/core/study/delongPairs';
import { formatP, formatStat } from '../../../src/core/study/format';
import type { StudyGroup } from '../../../src/core/study/group';
import type { ZeroMethod } from '../../../src/core/study/wilcoxon';
import type { StudyUi } from './studyUi';

export interface ComparePicks {
  a?: StudyGroup;
  b?: StudyGroup;
  metric?: string;
}

/**
 * The default partner of group `a`: a group differing from it in one key only, the variant if possible (SNN vs
 * ReLU at the same sweep point), then the data set; else the next group.
 */
function partner(groups: readonly StudyGroup[], a: StudyGroup | undefined): StudyGroup | undefined {
  if (!a) return undefined;
  const others = groups.filter((g) => g !== a);
  const differ = (g: StudyGroup): string[] =>
    a.by.filter((k) => JSON.stringify(g.values[k] ?? null) !== JSON.stringify(a.values[k] ?? null));
  const single = others.filter((g) => differ(g).length === 1);
  return (
    single.find((g) => differ(g)[0] === 'variant') ??
    single.find((g) => differ(g)[0] === 'dataset') ??
    single[0] ??
    others[0]
  );
}

/**
 * The groups and metric to compare: the chosen ones when they exist, else the first group and its partner (one
 * key apart, preferably the variant) and the first table metric (`fallback`).
 */
export function comparePicks(
  groups: readonly StudyGroup[],
  metrics: readonly string[],
  fallback: string | undefined,
  ui: Pick<StudyUi, 'compareA' | 'compareB' | 'compareMetric'>,
): ComparePicks {
  const a = groups.find((g) => g.id === ui.compareA) ?? groups[0];
  const b = groups.find((g) => g.id === ui.compareB && g !== a) ?? partner(groups, a);
  const metric = metrics.includes(ui.compareMetric) ? ui.compareMetric : (fallback ?? metrics[0]);
  return { ...(a ? { a } : {}), ...(b ? { b } : {}), ...(metric !== undefined ? { metric } : {}) };
}

/** The paired comparison of the picks (core/study comparePairs), or undefined without two groups and a metric. */
export function comparePicked(picks: ComparePicks, zeroMethod: ZeroMethod): PairedComparison | undefined {
  const { a, b, metric } = picks;
  if (!a || !b || metric === undefined) return undefined;
  return comparePairs(a, b, { metric, wilcoxon: { zeroMethod } });
}

/** Whether DeLong's test can apply: an AUC metric and some pair of single runs. */
export function delongApplies(c: PairedComparison): boolean {
  return /auc/.test(c.metric) && c.pairs.some((p) => p.idsA.length === 1 && p.idsB.length === 1);
}

/** Run ids whose predictions DeLong's test reads. */
export function delongRuns(c: PairedComparison): string[] {
  return c.pairs.flatMap((p) => (p.idsA.length === 1 && p.idsB.length === 1 ? [...p.idsA, ...p.idsB] : []));
}

/** One row of the tests table: test, n, statistic, p, details. */
export type TestRow = [string, string, string, string, string];

export function testRows(c: PairedComparison, delong?: readonly DelongPair[]): TestRow[] {
  const t = c.tTest;
  const w = c.wilcoxon;
  const s = c.sign;
  const how = w.method === 'exact' ? 'exact' : `normal approximation, z = ${formatStat(w.z, 3)}`;
  const rows: TestRow[] = [
    [
      'paired t-test',
      String(t.n),
      `t = ${formatStat(t.t, 3)}, df = ${t.df}`,
      formatP(t.p),
      `mean difference ${formatStat(t.meanDifference)} [${formatStat(t.ciLow)}, ${formatStat(t.ciHigh)}]`,
    ],
    [
      'Wilcoxon signed-rank',
      `${w.n} (${w.zeros} zero)`,
      `W = min(R+, R-) = ${w.statistic}`,
      formatP(w.p),
      `${how}, ${w.zeroMethod} zeros`,
    ],
    ['sign test', String(s.n), `${s.wins} wins, ${s.losses} losses, ${s.ties} ties`, formatP(s.p), ''],
  ];
  if (!delong) return rows;
  const notes = new Set(delong.map((d) => d.note));
  if (delong.length > 1 && notes.size === 1 && !notes.has(undefined)) {
    return [...rows, ['DeLong', '', 'not run', '', delong[0]?.note ?? '']];
  }
  for (const d of delong) {
    const r = d.result;
    rows.push(
      r
        ? [
            `DeLong (${d.unit})`,
            String(r.positives + r.negatives),
            `AUC ${formatStat(r.aucA)} vs ${formatStat(r.aucB)}, z = ${formatStat(r.z, 3)}`,
            formatP(r.p),
            `difference ${formatStat(r.difference)} [${formatStat(r.ciLow)}, ${formatStat(r.ciHigh)}]`,
          ]
        : [`DeLong (${d.unit})`, '', 'not run', '', d.note ?? ''],
    );
  }
  return rows;
}
