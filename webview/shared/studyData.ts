/**
 * The Study tab's data as the webview keeps it: the finished runs of one study (decoded from the host's `study`
 * message, newest run per coordinates as `snn-lab study` counts them) and the test predictions received for
 * DeLong's test. Pure: tested in Node.
 */
import type { TestScoresResult } from '../../src/core/study/delongPairs';
import { latestPerCoordinates, type StudyRun } from '../../src/core/study/group';
import type { HostToWebview } from '../../src/protocol/webview';

export interface StudyState {
  /** The experiment file the runs belong to. */
  file: string;
  /** Finished runs, newest per coordinates (a re-run fold replaces the old one). */
  runs: StudyRun[];
  /** Older runs with the same coordinates as a newer one, left out. */
  replaced: number;
  unfinished: Record<string, number>;
}

/** A `study` message as StudyRuns: null metrics (non-finite on the host) become NaN, counted as excluded. */
export function decodeStudy(m: Extract<HostToWebview, { type: 'study' }>): StudyState {
  const all: StudyRun[] = m.runs.map((r) => ({
    id: r.runId,
    coordinates: r.coordinates,
    createdAt: r.createdAt,
    metrics: Object.fromEntries(
      Object.entries(r.metrics).map(([name, value]) => [name, value ?? Number.NaN]),
    ),
  }));
  const runs = latestPerCoordinates(all);
  return { file: m.file, runs, replaced: all.length - runs.length, unfinished: m.unfinished };
}

/** Merges a `predictions` message into what is known (by run id). */
export function mergePredictions(
  known: Readonly<Record<string, TestScoresResult>>,
  m: Extract<HostToWebview, { type: 'predictions' }>,
): Record<string, TestScoresResult> {
  const out: Record<string, TestScoresResult> = { ...known };
  for (const run of m.runs) {
    out[run.runId] = run.scores
      ? { ok: true, scores: run.scores }
      : { ok: false, note: run.note ?? 'no predictions' };
  }
  return out;
}
