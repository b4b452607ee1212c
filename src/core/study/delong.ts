/**
 * DeLong's test for the difference of two correlated ROC AUCs measured on one shared test set (DeLong, DeLong &
 * Clarke-Pearson 1988), with the structural components computed from mid-ranks as in Sun & Xu (2014), O(N log N).
 * Formulas and assumptions: docs/studies.md#delongs-test.
 */
import { erfc } from '../theory/erf';
import { NORMAL_QUANTILE_975 } from './distributions';
import { StudyInputError } from './inputError';
import { midRanks } from './ranks';

export interface DelongInput {
  /** Per test sample: true for the positive class (one-vs-rest: the class whose score is given). */
  positive: readonly boolean[];
  /** Per test sample, the two models' scores for the positive class (higher = more positive). */
  scoresA: readonly number[];
  scoresB: readonly number[];
}

export interface DelongTest {
  /** Positives (m) and negatives (n). */
  positives: number;
  negatives: number;
  aucA: number;
  aucB: number;
  /** aucA - aucB. */
  difference: number;
  /** DeLong's variance estimates: Var(aucA), Var(aucB), Cov(aucA, aucB). */
  varianceA: number;
  varianceB: number;
  covariance: number;
  /** sqrt(Var(aucA) + Var(aucB) - 2 Cov). */
  standardError: number;
  z: number;
  /** Two-sided p-value 2 * (1 - Phi(|z|)); NaN when the standard error is 0 and the AUCs are equal. */
  p: number;
  /** 95 % normal confidence interval of the difference. */
  ciLow: number;
  ciHigh: number;
}

/** AUC and the structural components V10 (one per positive) and V01 (one per negative) of one model's scores. */
function components(
  scores: readonly number[],
  positive: readonly boolean[],
): { auc: number; v10: number[]; v01: number[] } {
  const pos = scores.filter((_, i) => positive[i]);
  const neg = scores.filter((_, i) => !positive[i]);
  const m = pos.length;
  const n = neg.length;
  const all = midRanks([...pos, ...neg]).ranks;
  const withinPos = midRanks(pos).ranks;
  const withinNeg = midRanks(neg).ranks;
  // V10_i = (fraction of negatives below positive i, ties 1/2); V01_j = fraction of positives above negative j.
  const v10 = withinPos.map((r, i) => ((all[i] as number) - r) / n);
  const v01 = withinNeg.map((r, j) => 1 - ((all[m + j] as number) - r) / m);
  const auc = v10.reduce((s, v) => s + v, 0) / m;
  return { auc, v10, v01 };
}

/** Sample covariance (divisor k - 1) of two equally long lists. */
function covariance(x: readonly number[], y: readonly number[]): number {
  const k = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / k;
  const my = y.reduce((s, v) => s + v, 0) / k;
  let sum = 0;
  for (let i = 0; i < k; i++) sum += ((x[i] as number) - mx) * ((y[i] as number) - my);
  return sum / (k - 1);
}

/** DeLong's test of H0: AUC_A = AUC_B. Throws StudyInputError for mismatched lengths, non-finite scores or < 2 per class. */
export function delongTest(input: DelongInput): DelongTest {
  const { positive, scoresA, scoresB } = input;
  if (scoresA.length !== positive.length || scoresB.length !== positive.length) {
    throw new StudyInputError(
      `DeLong's test: labels and scores must have one entry per sample (${positive.length}, ${scoresA.length}, ${scoresB.length})`,
    );
  }
  const bad = [...scoresA, ...scoresB].findIndex((s) => !Number.isFinite(s));
  if (bad >= 0) throw new StudyInputError(`DeLong's test: score ${bad % positive.length} is not finite`);
  const m = positive.filter(Boolean).length;
  const n = positive.length - m;
  if (m < 2 || n < 2) {
    throw new StudyInputError(`DeLong's test needs at least 2 positives and 2 negatives (got ${m} and ${n})`);
  }
  const a = components(scoresA, positive);
  const b = components(scoresB, positive);
  const varianceA = covariance(a.v10, a.v10) / m + covariance(a.v01, a.v01) / n;
  const varianceB = covariance(b.v10, b.v10) / m + covariance(b.v01, b.v01) / n;
  const cov = covariance(a.v10, b.v10) / m + covariance(a.v01, b.v01) / n;
  const difference = a.auc - b.auc;
  const standardError = Math.sqrt(Math.max(0, varianceA + varianceB - 2 * cov));
  const z = difference / standardError;
  const p = Number.isNaN(z) ? Number.NaN : erfc(Math.abs(z) * Math.SQRT1_2);
  const half = NORMAL_QUANTILE_975 * standardError;
  return {
    positives: m,
    negatives: n,
    aucA: a.auc,
    aucB: b.auc,
    difference,
    varianceA,
    varianceB,
    covariance: cov,
    standardError,
    z,
    p,
    ciLow: difference - half,
    ciHigh: difference + half,
  };
}
