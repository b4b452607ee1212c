/**
 * DeLong's test for every matched pair of single runs of a paired comparison, on the test samples the two runs
 * share (binary tasks). The run store's predictions.csv rows come in through a lookup, so `snn-lab study --compare`
 * (reading files) and the dashboard's Study tab (predictions sent by the host) run the same code.
 */
import type { PairedComparison } from './compare';
import { delongTest, type DelongTest } from './delong';

/** One row of predictions.csv (docs/run-store.md). */
export interface PredictionRow {
  sample: number;
  fold?: number;
  split: string;
  label: number;
  /** Class probabilities (classification) or the single prediction (regression). */
  scores: number[];
}

/** A run's test-split predictions of a binary task: sample index, true label, score of class 1. */
export interface TestScores {
  sample: number[];
  label: number[];
  score: number[];
}

/** The test split of a run's predictions as DeLong's test reads them, or why the test cannot use them. */
export type TestScoresResult = { ok: true; scores: TestScores } | { ok: false; note: string };

export function testScores(rows: readonly PredictionRow[]): TestScoresResult {
  const test = rows.filter((row) => row.split === 'test');
  if (test.some((row) => row.scores.length !== 2)) return { ok: false, note: 'DeLong needs a binary task' };
  return {
    ok: true,
    scores: {
      sample: test.map((row) => row.sample),
      label: test.map((row) => row.label),
      score: test.map((row) => row.scores[1] as number),
    },
  };
}

export interface DelongPair {
  unit: string;
  runA: string;
  runB: string;
  result?: DelongTest;
  /** Why the test was not run for this pair. */
  note?: string;
}

/**
 * DeLong's test per matched pair of single runs (pairs pooling several runs on a side are left out). `scoresOf`
 * gives a run's test scores, a note, or undefined when the run has no predictions.
 */
export function delongPairs(
  comparison: PairedComparison,
  scoresOf: (runId: string) => TestScoresResult | undefined,
): DelongPair[] {
  return comparison.pairs.flatMap((pair): DelongPair[] => {
    if (pair.idsA.length !== 1 || pair.idsB.length !== 1) return [];
    const [runA, runB] = [pair.idsA[0] as string, pair.idsB[0] as string];
    const base = { unit: pair.unit, runA, runB };
    const a = scoresOf(runA);
    const b = scoresOf(runB);
    if (a?.ok === false) return [{ ...base, note: a.note }];
    if (b?.ok === false) return [{ ...base, note: b.note }];
    if (!a || !b) return [{ ...base, note: 'no predictions.csv' }];
    const indexB = new Map(b.scores.sample.map((sample, i) => [sample, i]));
    const shared = a.scores.sample.filter((sample) => indexB.has(sample));
    if (shared.length !== a.scores.sample.length || shared.length !== b.scores.sample.length) {
      return [{ ...base, note: 'the test sets differ' }];
    }
    try {
      const result = delongTest({
        positive: a.scores.label.map((label) => label === 1),
        scoresA: a.scores.score,
        scoresB: a.scores.sample.map((sample) => b.scores.score[indexB.get(sample) as number] as number),
      });
      return [{ ...base, result }];
    } catch (error) {
      return [{ ...base, note: (error as Error).message }];
    }
  });
}
