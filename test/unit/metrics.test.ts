// Unit tests of the JS evaluation metrics (src/core/metrics.ts) against hand-computed cases.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  binaryAuc,
  classificationMetrics,
  macroAuc,
  meanSquaredError,
  softmax,
} from '../../src/core/metrics';
import { createRng } from '../../src/core/random';

/** Closed-form expectations of a few float64 operations: agree to rounding. */
const close = (actual: number, expected: number, tol = 1e-12): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} != ${expected} (tol ${tol})`);

describe('binaryAuc', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one, 0.5 for all ties', () => {
    assert.equal(binaryAuc([0.1, 0.2, 0.8, 0.9], [false, false, true, true]), 1);
    assert.equal(binaryAuc([0.9, 0.8, 0.2, 0.1], [false, false, true, true]), 0);
    assert.equal(binaryAuc([0.5, 0.5, 0.5, 0.5], [false, true, false, true]), 0.5);
  });
  it('matches a hand count of ordered pairs, ties counting one half', () => {
    // positives 0.8, 0.4, 0.4 ; negatives 0.4, 0.3, 0.9.
    // pairs (pos > neg): 0.8 beats 0.4, 0.3 (2); each 0.4 beats 0.3 (1) and ties 0.4 (0.5): 1.5 each.
    // total 2 + 1.5 + 1.5 = 5 out of 9.
    const auc = binaryAuc([0.8, 0.4, 0.4, 0.4, 0.3, 0.9], [true, true, true, false, false, false]);
    close(auc, 5 / 9);
  });
  it('is NaN when one class is missing', () => {
    assert.ok(Number.isNaN(binaryAuc([0.1, 0.2], [true, true])));
  });
});

/** binaryAuc as it was before the sorted-copy version: an index sort with a comparator, ties grouped in order. */
function aucByIndexSort(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
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
    for (let k = i; k <= j; k++) {
      if (positive[order[k] as number]) {
        positives++;
        rankSum += (i + j) / 2 + 1;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

describe('binaryAuc against the index sort it replaced', () => {
  it('gives the same value, bit for bit, on random scores with many ties, signed zeros and infinities', () => {
    const rng = createRng(19);
    const values = [0, -0, 1, -1, 0.5, Infinity, -Infinity, 1e-300, 0.25];
    for (let trial = 0; trial < 400; trial++) {
      const n = 1 + rng.int(300);
      const tied = rng.next() < 0.5;
      const scores = Array.from({ length: n }, () =>
        tied ? (values[rng.int(values.length)] as number) : rng.normal(),
      );
      const positive = Array.from({ length: n }, () => rng.next() < 0.4);
      const expected = aucByIndexSort(scores, positive);
      const got = binaryAuc(Float64Array.from(scores), positive);
      assert.ok(Object.is(got, expected), `trial ${trial}: ${got} != ${expected}`);
    }
  });
  it('keeps the index sort for scores with a NaN', () => {
    const scores = [0.3, NaN, 0.1, 0.7, NaN, 0.2];
    const positive = [true, false, false, true, true, false];
    assert.ok(Object.is(binaryAuc(scores, positive), aucByIndexSort(scores, positive)));
  });
});

describe('macroAuc', () => {
  it('uses class 1 scores for binary problems', () => {
    const probs = [0.9, 0.1, 0.3, 0.7, 0.6, 0.4, 0.2, 0.8];
    assert.equal(macroAuc(probs, [0, 1, 0, 1], 2), 1);
  });
  it('averages one-vs-rest AUCs over classes', () => {
    // 3 samples, 3 classes. Class 0 scores (0.8, 0.1, 0.1): label 0 only sample 0 -> AUC 1.
    // Class 1 scores (0.1, 0.2, 0.7): positive sample 1 (0.2) vs negatives 0.1, 0.7 -> 1/2.
    // Class 2 scores (0.1, 0.7, 0.2): positive sample 2 (0.2) vs negatives 0.1, 0.7 -> 1/2.
    const probs = [0.8, 0.1, 0.1, 0.1, 0.2, 0.7, 0.1, 0.7, 0.2];
    close(macroAuc(probs, [0, 1, 2], 3), (1 + 0.5 + 0.5) / 3);
  });
});

describe('classificationMetrics', () => {
  it('computes softmax cross-entropy and accuracy', () => {
    // logits (0, ln 3): p = (1/4, 3/4). Labels 1 and 0: loss = (-ln 3/4 - ln 1/4)/2.
    const logits = [0, Math.log(3), 0, Math.log(3)];
    const m = classificationMetrics(logits, [1, 0], 2);
    close(m.loss, (-Math.log(0.75) - Math.log(0.25)) / 2);
    close(m.accuracy, 0.5);
    close(softmax(logits, 2)[1] as number, 0.75);
  });
  it('stays finite for extreme logits', () => {
    const m = classificationMetrics([1000, -1000], [1], 1 + 1);
    assert.ok(Number.isFinite(m.loss));
  });
});

describe('meanSquaredError', () => {
  it('averages squared differences', () => {
    close(meanSquaredError([1, 2, 3], [1, 0, 6]), (0 + 4 + 9) / 3);
  });
});
