/**
 * Wilcoxon's signed-rank test of paired samples: exact (the permutation distribution of the signs given the
 * observed mid-ranks, so also exact with ties and zeros) up to 50 pairs, the normal approximation with tie, zero
 * and continuity corrections above. Zeros are handled by Pratt's method unless told otherwise; why, and the
 * formulas, in docs/studies.md#wilcoxon-signed-rank-test.
 */
import { erfc } from '../theory/erf';
import { largestMagnitude, pairedDifferences, StudyInputError } from './inputError';
import { midRanks } from './ranks';

/**
 * What zero differences do: 'pratt' ranks them with the others, then leaves them out of both rank sums (Pratt
 * 1959); 'wilcox' drops them before ranking (Wilcoxon 1945); 'zsplit' ranks them and splits their ranks evenly
 * between R+ and R-.
 */
export type ZeroMethod = 'pratt' | 'wilcox' | 'zsplit';

export interface WilcoxonOptions {
  zeroMethod?: ZeroMethod;
  /** 'auto' (default): exact up to `exactMaxN` pairs, normal approximation above. */
  method?: 'auto' | 'exact' | 'normal';
  /** Largest number of pairs (zeros included) tested exactly under 'auto'; default 50 (as scipy). */
  exactMaxN?: number;
  /** Continuity correction of the normal approximation (default true, as R's wilcox.test). */
  continuityCorrection?: boolean;
  /**
   * Differences closer than this times the largest |a|, |b| count as tied, and as zero when that close to 0
   * (default 1e-12): 0.95 - 0.93 and 0.97 - 0.95 differ in float64 by rounding alone, and should tie.
   */
  tieTolerance?: number;
}

export interface WilcoxonTest {
  /** Pairs, zero differences among them, and the non-zero ones whose signs are tested. */
  n: number;
  zeros: number;
  nonZero: number;
  /** Rank sums of the positive and negative differences a - b (with 'zsplit', each includes half the zeros). */
  rPlus: number;
  rMinus: number;
  /** min(R+, R-), the statistic scipy and most tables report for the two-sided test. */
  statistic: number;
  /** True when some |differences| are tied (zeros aside). */
  ties: boolean;
  zeroMethod: ZeroMethod;
  method: 'exact' | 'normal';
  /** Standardised R+ (with the corrections of the normal approximation); NaN for the exact method. */
  z: number;
  /** Two-sided p-value; NaN when no difference is non-zero (nothing to test). */
  p: number;
}

/** Pairs above this count are refused by method 'exact' (its table grows as n^3). */
const EXACT_LIMIT = 200;

/**
 * Two-sided exact p-value: the distribution of R+ (in doubled ranks, so mid-ranks are integers) over the 2^k equally
 * likely sign patterns, built by one convolution per rank, in probabilities (halving is exact in binary, so for
 * k <= 52 every probability is exact).
 */
function exactP(doubledRanks: readonly number[], observed: number): number {
  const total = doubledRanks.reduce((s, r) => s + r, 0);
  let prob = new Float64Array(total + 1);
  prob[0] = 1;
  let reach = 0;
  for (const r of doubledRanks) {
    const next = new Float64Array(total + 1);
    for (let s = 0; s <= reach; s++) {
      const half = (prob[s] as number) * 0.5;
      if (half === 0) continue;
      next[s] = (next[s] as number) + half;
      next[s + r] = (next[s + r] as number) + half;
    }
    reach += r;
    prob = next;
  }
  let lower = 0;
  let upper = 0;
  for (let s = 0; s <= total; s++) {
    if (s <= observed) lower += prob[s] as number;
    if (s >= observed) upper += prob[s] as number;
  }
  return Math.min(1, 2 * Math.min(lower, upper));
}

/** Wilcoxon signed-rank test of H0: the differences a - b are symmetric about 0, two-sided. */
export function wilcoxonSignedRank(
  a: readonly number[],
  b: readonly number[],
  options: WilcoxonOptions = {},
): WilcoxonTest {
  const zeroMethod = options.zeroMethod ?? 'pratt';
  const correction = options.continuityCorrection ?? true;
  const raw = pairedDifferences(a, b, 'Wilcoxon signed-rank test');
  const tolerance = (options.tieTolerance ?? 1e-12) * largestMagnitude(a, b);
  const all = raw.map((d) => (Math.abs(d) <= tolerance ? 0 : d));
  const n = all.length;
  const zeros = all.filter((x) => x === 0).length;
  const ranked = zeroMethod === 'wilcox' ? all.filter((x) => x !== 0) : all;
  const { ranks, tieSizes } = midRanks(ranked.map(Math.abs), tolerance);
  let rPlus = 0;
  let rMinus = 0;
  let zeroRanks = 0;
  let zeroTie = 0;
  const doubled: number[] = [];
  ranked.forEach((x, i) => {
    const r = ranks[i] as number;
    if (x > 0) rPlus += r;
    else if (x < 0) rMinus += r;
    else zeroRanks += r;
    if (x !== 0) doubled.push(Math.round(2 * r));
  });
  if (zeroMethod === 'zsplit') {
    rPlus += zeroRanks / 2;
    rMinus += zeroRanks / 2;
  }
  if (zeroMethod === 'pratt' && zeros > 0) zeroTie = zeros;
  const nonZero = n - zeros;
  // With zeros ranked ('pratt', 'zsplit') they form the first tie group; only ties among non-zero |d| count here.
  const zeroGroup = zeroMethod !== 'wilcox' && zeros > 0;
  const ties = tieSizes.some((t, k) => t > 1 && !(k === 0 && zeroGroup));
  const requested = options.method ?? 'auto';
  const exactMaxN = Math.min(options.exactMaxN ?? 50, EXACT_LIMIT);
  if (requested === 'exact' && n > EXACT_LIMIT) {
    throw new StudyInputError(
      `Wilcoxon signed-rank test: exact p-values are computed up to ${EXACT_LIMIT} pairs, got ${n}`,
    );
  }
  const method: WilcoxonTest['method'] =
    requested === 'exact' || (requested === 'auto' && n <= exactMaxN) ? 'exact' : 'normal';
  const base = {
    n,
    zeros,
    nonZero,
    rPlus,
    rMinus,
    statistic: Math.min(rPlus, rMinus),
    ties,
    zeroMethod,
    method,
  };
  if (nonZero === 0) return { ...base, z: Number.NaN, p: Number.NaN };
  if (method === 'exact') {
    const positive = ranked.reduce((s, x, i) => (x > 0 ? s + Math.round(2 * (ranks[i] as number)) : s), 0);
    return { ...base, z: Number.NaN, p: exactP(doubled, positive) };
  }
  const count = ranked.length;
  let mean = (count * (count + 1)) / 4;
  let variance = (count * (count + 1) * (2 * count + 1)) / 24;
  if (zeroTie > 0) {
    mean -= (zeroTie * (zeroTie + 1)) / 4;
    variance -= (zeroTie * (zeroTie + 1) * (2 * zeroTie + 1)) / 24;
  }
  // Tie correction sum (t^3 - t)/48 over tie groups; Pratt leaves the zeros' group (the first, smallest |d|) out.
  tieSizes.forEach((t, k) => {
    if (!(k === 0 && zeroTie > 0)) variance -= (t * t * t - t) / 48;
  });
  const se = Math.sqrt(variance);
  let z = (rPlus - mean) / se;
  if (correction && z !== 0) z -= (Math.sign(z) * 0.5) / se;
  return { ...base, z, p: Math.min(1, erfc(Math.abs(z) * Math.SQRT1_2)) };
}
