/**
 * Evaluation metrics computed in plain JS from a model's outputs: softmax cross-entropy, accuracy, ROC AUC
 * (binary, and macro-averaged one-vs-rest for more classes) and mean squared error. Outputs are row-major
 * [n, classes] arrays; labels are class indices (classification) or targets (regression).
 */

/**
 * Area under the ROC curve of `scores` for binary `positive` labels, via the Mann–Whitney U statistic with
 * average ranks for ties (equivalent to the trapezoidal ROC area). NaN when one class is absent.
 *
 * The scores are sorted as a Float64Array (native numeric sort) and each positive's average rank is found by binary
 * search, instead of sorting an index array with a JS comparator: that comparator allocated a number per call,
 * most of a small run's garbage (72 of 213 MB in a 20-epoch tabular run, docs/performance.md). The ranks are
 * half-integers, so the sum is exact in any order and the result is the comparator version's, bit for bit
 * (test/unit/metrics.test.ts compares them); scores with a NaN, which have no order, keep the comparator version.
 */
export function binaryAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const n = scores.length;
  const sorted = Float64Array.from(scores).sort();
  if (n > 0 && Number.isNaN(sorted[n - 1])) return binaryAucByComparator(scores, positive);
  const { positives, twiceRankSum } = positiveRanks(sorted, scores, positive);
  const rankSum = twiceRankSum / 2;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * The positives and twice their summed average ranks: an integer (first + last + 2 per positive, for 1-based ranks
 * first+1 .. last+1), so the sum stays in V8's small-integer arithmetic and is exact, and halving it gives the
 * half-integer rank sum exactly. A loop of its own, apart from the arithmetic after it: V8 compiles the loop while
 * it runs (on-stack replacement) before the code after it has run, and optimised binaryAuc as one function four
 * times a run (two deoptimisations on missing feedback, one on a rank sum that stopped being an integer).
 */
function positiveRanks(
  sorted: Float64Array,
  scores: ArrayLike<number>,
  positive: ArrayLike<boolean>,
): { positives: number; twiceRankSum: number } {
  let positives = 0;
  let twiceRankSum = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!positive[i]) continue;
    const score = scores[i] as number;
    // first ≥ score, after > score: the tie block is first .. after - 1.
    twiceRankSum += firstIndexOf(sorted, score, false) + firstIndexOf(sorted, score, true) + 1;
    positives++;
  }
  return { positives, twiceRankSum };
}

/** In ascending `sorted`: the first index whose value is ≥ `value` (`after`: > `value`). */
function firstIndexOf(sorted: Float64Array, value: number, after: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid] as number;
    if (v < value || (after && v === value)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** binaryAuc by an index sort with a comparator (ties: equal neighbours in that order). */
function binaryAucByComparator(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (scores[a] as number) - (scores[b] as number),
  );
  let positives = 0;
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1] as number] === scores[order[i] as number]) j++;
    const averageRank = (i + j) / 2 + 1; // 1-based ranks i+1 .. j+1
    for (let k = i; k <= j; k++) {
      if (positive[order[k] as number]) {
        positives++;
        rankSum += averageRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * AUC of class probabilities `probs` ([n, classes] row-major): for 2 classes the AUC of class 1's score; for more,
 * the unweighted mean of the one-vs-rest AUCs over classes that have both positive and negative samples.
 */
export function macroAuc(probs: ArrayLike<number>, labels: ArrayLike<number>, classes: number): number {
  if (classes === 2) return oneVsRestAuc(probs, labels, classes, 1);
  const aucs = Array.from({ length: classes }, (_, c) => oneVsRestAuc(probs, labels, classes, c)).filter(
    (a) => !Number.isNaN(a),
  );
  return aucs.length === 0 ? NaN : aucs.reduce((s, a) => s + a, 0) / aucs.length;
}

/**
 * The AUC of class `c` against the rest. Module-level functions, not a closure made per call, and the loop apart
 * from the call: with either, V8 deoptimised this code at every epoch's evaluation (docs/performance.md, "Sweep
 * (session 6)").
 */
function oneVsRestAuc(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  c: number,
): number {
  const n = labels.length;
  const scores = new Float64Array(n);
  const positive = new Array<boolean>(n);
  classColumn(probs, labels, classes, c, { scores, positive });
  return binaryAuc(scores, positive);
}

/** Fills `into` with class `c`'s scores and whether each row is of class `c`. */
function classColumn(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  c: number,
  into: { scores: Float64Array; positive: boolean[] },
): void {
  const { scores, positive } = into;
  for (let i = 0; i < scores.length; i++) {
    scores[i] = probs[i * classes + c] as number;
    positive[i] = labels[i] === c;
  }
}

/** Row-wise softmax of logits ([n, classes] row-major), numerically stable (max subtracted). */
export function softmax(logits: ArrayLike<number>, classes: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let row = 0; row < logits.length; row += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[row + c] as number);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += out[row + c] = Math.exp((logits[row + c] as number) - max);
    for (let c = 0; c < classes; c++) out[row + c] = (out[row + c] as number) / sum;
  }
  return out;
}

/** Mean softmax cross-entropy, accuracy and AUC of logits against class-index labels. */
export function classificationMetrics(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
): { loss: number; accuracy: number; auc: number } {
  const n = labels.length;
  const probs = softmax(logits, classes);
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const row = i * classes;
    const label = labels[i] as number;
    let best = 0;
    for (let c = 1; c < classes; c++) {
      if ((logits[row + c] as number) > (logits[row + best] as number)) best = c;
    }
    if (best === label) correct++;
    loss -= Math.log(Math.max(probs[row + label] as number, Number.MIN_VALUE));
  }
  return { loss: loss / n, accuracy: correct / n, auc: macroAuc(probs, labels, classes) };
}

/** Mean squared error of predictions against targets. */
export function meanSquaredError(predictions: ArrayLike<number>, targets: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < targets.length; i++) {
    const d = (predictions[i] as number) - (targets[i] as number);
    sum += d * d;
  }
  return sum / targets.length;
}
