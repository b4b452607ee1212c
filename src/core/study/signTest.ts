/**
 * The two-sided sign test of paired samples (exact binomial with p = 1/2 on the non-tied pairs; ties dropped),
 * as used across data sets by Klambauer et al. (2017) and recommended by Demsar (2006) next to Wilcoxon's test.
 */
import { largestMagnitude, pairedDifferences } from './inputError';
import { incompleteBeta } from './special';

export interface SignTest {
  /** Pairs with a > b, a < b, a = b. */
  wins: number;
  losses: number;
  ties: number;
  /** Pairs that count: wins + losses. */
  n: number;
  /** min(1, 2 * P(X <= min(wins, losses))) for X ~ Binomial(n, 1/2); NaN when n = 0. */
  p: number;
}

/** Up to this n the binomial tail is summed exactly in BigInt; above, the incomplete beta gives it (~1e-13). */
const EXACT_MAX_N = 2000;

/** x * 2^-k without overflow or premature underflow (each scaling step is exact). */
function scaleDown(x: number, k: number): number {
  let out = x;
  let left = k;
  while (left > 0) {
    const step = Math.min(left, 1000);
    out *= 2 ** -step;
    left -= step;
  }
  return out;
}

/** P(X <= m) for X ~ Binomial(n, 1/2), m <= n/2. */
export function binomialHalfLowerTail(m: number, n: number): number {
  if (m < 0) return 0;
  if (m >= n) return 1;
  if (n <= EXACT_MAX_N) {
    // Sum of C(n, i), i = 0..m, exactly; Number() of a BigInt rounds to nearest, so the result is within 1 ulp.
    let term = 1n;
    let sum = 1n;
    for (let i = 1; i <= m; i++) {
      term = (term * BigInt(n - i + 1)) / BigInt(i);
      sum += term;
    }
    // Keep at most 1,000 bits so Number() cannot overflow; what is dropped is below 2^-999 of the sum.
    const shift = Math.max(0, sum.toString(2).length - 1000);
    return scaleDown(Number(sum >> BigInt(shift)), n - shift);
  }
  // P(X <= m) = I_{1/2}(n - m, m + 1).
  return incompleteBeta(n - m, m + 1, 0.5, 0.5).lower;
}

/**
 * Sign test of H0: P(a > b) = P(a < b), two-sided. Pairs closer than `tieTolerance` (default 1e-12) times the
 * largest |a|, |b| are ties. Throws StudyInputError for unequal lengths or non-finite values.
 */
export function signTest(
  a: readonly number[],
  b: readonly number[],
  options: { tieTolerance?: number } = {},
): SignTest {
  const d = pairedDifferences(a, b, 'sign test');
  const tolerance = (options.tieTolerance ?? 1e-12) * largestMagnitude(a, b);
  const wins = d.filter((x) => x > tolerance).length;
  const losses = d.filter((x) => x < -tolerance).length;
  const n = wins + losses;
  const p = n === 0 ? Number.NaN : Math.min(1, 2 * binomialHalfLowerTail(Math.min(wins, losses), n));
  return { wins, losses, ties: d.length - n, n, p };
}
