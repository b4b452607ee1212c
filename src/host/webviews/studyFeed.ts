/**
 * What the dashboard's Study tab asks the host for: the finished training runs of one experiment file with their
 * coordinates and final metrics, and (for DeLong's test) runs' test-split predictions. Pure (no vscode): reads the
 * run store through RunStoreApi; a finished run's answer is cached (its summary no longer changes).
 */
import { testScores } from '../../core/study/delongPairs';
import type { RunId } from '../../protocol/ids';
import type { HostToWebview, RunPredictions, StudyRunPayload } from '../../protocol/webview';
import type { RunStoreApi } from '../../runs/runTypes';
import { readPredictions, studyRunOf } from '../../runs/studyRuns';

type StudyMessage = Extract<HostToWebview, { type: 'study' }>;
type PredictionsMessage = Extract<HostToWebview, { type: 'predictions' }>;

/** Most test samples per run sent for DeLong's test (3 numbers each); larger test sets stay with the CLI. */
export const MAX_PREDICTION_SAMPLES = 200_000;

export class StudyFeed {
  private readonly finished = new Map<RunId, StudyRunPayload>();

  constructor(private readonly store: RunStoreApi) {}

  /** The finished training runs of `file` (an experiment path some run records) and how many others there are. */
  study(file: string): StudyMessage {
    const metas = this.store.list().filter((m) => m.experiment === file && m.mode === 'train');
    const runs: StudyRunPayload[] = [];
    const unfinished: Record<string, number> = {};
    for (const meta of metas) {
      const run = meta.status === 'finished' ? this.finishedRun(meta.runId) : undefined;
      if (run) runs.push(run);
      else {
        const why = meta.status === 'finished' ? 'finished without summary.json' : meta.status;
        unfinished[why] = (unfinished[why] ?? 0) + 1;
      }
    }
    const known = new Set(metas.map((m) => m.runId));
    for (const id of this.finished.keys()) if (!known.has(id)) this.finished.delete(id);
    return { type: 'study', file, runs, unfinished };
  }

  /** Test-split scores of each run (known runs only), or why DeLong's test cannot use them. */
  predictions(runIds: readonly RunId[]): PredictionsMessage {
    const known = new Set(this.store.list().map((m) => m.runId));
    const runs = runIds
      .filter((id) => known.has(id))
      .map((runId): RunPredictions => {
        try {
          const rows = readPredictions(this.store.runDir(runId));
          if (!rows) return { runId, note: 'no predictions.csv' };
          const result = testScores(rows);
          if (!result.ok) return { runId, note: result.note };
          if (result.scores.sample.length > MAX_PREDICTION_SAMPLES) {
            return {
              runId,
              note: `more than ${MAX_PREDICTION_SAMPLES} test samples: run snn-lab study --compare for DeLong's test`,
            };
          }
          return { runId, scores: result.scores };
        } catch (error) {
          return { runId, note: (error as Error).message };
        }
      });
    return { type: 'predictions', runs };
  }

  private finishedRun(runId: RunId): StudyRunPayload | undefined {
    const cached = this.finished.get(runId);
    if (cached) return cached;
    const data = this.store.read(runId);
    if (!data?.summary) return undefined;
    const run = studyRunOf(data);
    // fromEntries defines own properties, so a metric named "__proto__" stays a metric.
    const metrics = Object.fromEntries(
      Object.entries(run.metrics).map(([name, value]) => [name, Number.isFinite(value) ? value : null]),
    );
    const payload: StudyRunPayload = {
      runId,
      createdAt: data.meta.createdAt,
      coordinates: run.coordinates,
      metrics,
    };
    this.finished.set(runId, payload);
    return payload;
  }
}
