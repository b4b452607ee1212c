/**
 * Progress of a study (all runs of an experiment file): runs done of total and an ETA from the wall-clock rate so
 * far (runs done per elapsed second, so parallel trainers and queueing are accounted for). Pure.
 */

export interface StudyProgress {
  done: number;
  total: number;
  /** Runs that ended without finishing (failed, diverged, stopped, ...), included in done. */
  failed: number;
  percent: number;
  /** Estimated milliseconds left; undefined until one run has ended. */
  etaMs?: number;
  /** "4/36 runs done · 1 failed · ETA 6 min". */
  label: string;
}

/** Human duration: "40 s", "6 min", "2 h 5 min". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Progress of `total` runs of which `done` have ended (`failed` of them without finishing), started at startedMs. */
export function studyProgress(options: {
  total: number;
  done: number;
  failed: number;
  startedMs: number;
  nowMs: number;
}): StudyProgress {
  const { total, done, failed } = options;
  const elapsed = Math.max(0, options.nowMs - options.startedMs);
  const etaMs = done > 0 && done < total ? (elapsed / done) * (total - done) : done >= total ? 0 : undefined;
  const parts = [`${done}/${total} runs done`];
  if (failed > 0) parts.push(`${failed} did not finish`);
  if (etaMs !== undefined && done < total) parts.push(`ETA ${formatDuration(etaMs)}`);
  return {
    done,
    total,
    failed,
    percent: total > 0 ? (100 * done) / total : 100,
    ...(etaMs !== undefined ? { etaMs } : {}),
    label: parts.join(' · '),
  };
}
