/** The error every study function throws for input it cannot use (mismatched lengths, non-finite values, ...). */

export class StudyInputError extends Error {
  override readonly name = 'StudyInputError';
}

/** Checks that two paired samples have the same length and only finite values; returns their differences a - b. */
export function pairedDifferences(a: readonly number[], b: readonly number[], what: string): number[] {
  if (a.length !== b.length) {
    throw new StudyInputError(
      `${what}: the two samples must be paired (lengths ${a.length} and ${b.length})`,
    );
  }
  return a.map((value, i) => {
    const other = b[i] as number;
    if (!Number.isFinite(value) || !Number.isFinite(other)) {
      throw new StudyInputError(`${what}: pair ${i} is not finite (${value}, ${other})`);
    }
    return value - other;
  });
}

/** The largest |value| of two samples (0 for empty ones): the scale of the tie tolerance of rank tests. */
export function largestMagnitude(a: readonly number[], b: readonly number[]): number {
  let largest = 0;
  for (const v of a) largest = Math.max(largest, Math.abs(v));
  for (const v of b) largest = Math.max(largest, Math.abs(v));
  return largest;
}
