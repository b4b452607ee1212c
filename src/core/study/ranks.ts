/** Mid-ranks (average ranks for ties) and tie-group sizes, shared by the signed-rank test and DeLong's test. */

/**
 * 1-based ranks of `values` in increasing order, tied values sharing the mean of their ranks. Values within
 * `tolerance` of the smallest value of their group count as tied (default 0: only equal values).
 */
export function midRanks(values: readonly number[], tolerance = 0): { ranks: number[]; tieSizes: number[] } {
  const order = values.map((_, i) => i).sort((p, q) => (values[p] as number) - (values[q] as number));
  const ranks = new Array<number>(values.length).fill(0);
  const tieSizes: number[] = [];
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    const first = values[order[start] as number] as number;
    while (end < order.length && (values[order[end] as number] as number) - first <= tolerance) end++;
    // Positions start..end-1 hold ranks start+1..end; their mean is (start + 1 + end) / 2.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k] as number] = rank;
    tieSizes.push(end - start);
    start = end;
  }
  return { ranks, tieSizes };
}
