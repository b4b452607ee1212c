/**
 * The run store as a study sees it: finished runs as StudyRuns (coordinates from meta.json, final metrics from
 * summary.json) and predictions.csv as parsed rows. vscode-free: used by `snn-lab study` and the dashboard.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PredictionRow } from '../core/study/delongPairs';
import type { StudyCoordinates, StudyRun } from '../core/study/group';
import type { RunData, RunMeta } from './runTypes';

/** Where a run sits in its study, from meta.json's study keys. */
export function studyCoordinatesOf(meta: RunMeta): StudyCoordinates {
  return {
    experiment: meta.experimentName ?? meta.name.split('/')[0] ?? meta.name,
    ...(meta.variant !== undefined ? { variant: meta.variant } : {}),
    sweepPoint: meta.sweepPoint,
    ...(meta.datasetName !== undefined ? { dataset: meta.datasetName } : {}),
    ...(meta.repeat !== undefined ? { repeat: meta.repeat } : {}),
    ...(meta.fold !== undefined ? { fold: meta.fold } : {}),
  };
}

/** A finished run's StudyRun: test metrics and the last epoch's train/validation metrics. */
export function studyRunOf(data: Pick<RunData, 'meta' | 'summary'>): StudyRun {
  const { meta, summary } = data;
  return {
    id: meta.runId,
    coordinates: studyCoordinatesOf(meta),
    metrics: { ...(summary?.final ?? {}), ...(summary?.test ?? {}) },
    createdAt: meta.createdAt,
  };
}

/** The metrics nested selection reads: those of the tested epoch, else the last epoch's. */
export function selectionMetrics(data: RunData): Record<string, number> | undefined {
  return data.summary?.tested?.metrics ?? data.summary?.final;
}

/** Longest predictions.csv read (a 70,000-sample run with 10 classes writes ~10 MB). */
const MAX_PREDICTIONS_BYTES = 512 * 2 ** 20;

/**
 * Reads `<runDir>/predictions.csv`; undefined when the run has none. Throws an Error naming the file and line for
 * a malformed file.
 */
export function readPredictions(runDir: string): PredictionRow[] | undefined {
  const path = join(runDir, 'predictions.csv');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  if (text.length > MAX_PREDICTIONS_BYTES) {
    throw new Error(`${path}: larger than ${MAX_PREDICTIONS_BYTES} bytes`);
  }
  const lines = text.split('\n').filter((line) => line !== '');
  const header = (lines[0] ?? '').split(',');
  if (header.slice(0, 4).join(',') !== 'sample,fold,split,label' || header.length < 5) {
    throw new Error(
      `${path}:1: expected the header sample,fold,split,label,score_0,... (got ${lines[0] ?? 'nothing'})`,
    );
  }
  return lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    const numbers = cells.map(Number);
    const bad =
      cells.length !== header.length ||
      [0, 3, ...header.keys()].some((k) => k >= 4 && Number.isNaN(numbers[k]));
    if (bad || !Number.isInteger(numbers[0])) {
      throw new Error(`${path}:${i + 2}: malformed row "${line.slice(0, 80)}"`);
    }
    return {
      sample: numbers[0] as number,
      ...(cells[1] !== '' ? { fold: numbers[1] as number } : {}),
      split: cells[2] as string,
      label: numbers[3] as number,
      scores: numbers.slice(4),
    };
  });
}
