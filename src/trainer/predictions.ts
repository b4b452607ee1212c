/**
 * Writes predictions.csv of a finished run (the column contract of docs/run-store.md): one row per validation and
 * test sample with its index in the source file, the run's fold, the split, the true label and the predicted
 * class probabilities (softmax of the logits) or the regression prediction. DeLong's test reads it.
 */
import { writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset, DataSplit } from '../node/data/dataset';

export const PREDICTIONS_FILE = 'predictions.csv';

/** Probabilities of one row of logits (max-shifted, so large logits do not overflow). */
function softmaxRow(outputs: Float32Array, offset: number, classes: number): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < classes; k++) max = Math.max(max, outputs[offset + k] as number);
  const e = Array.from({ length: classes }, (_, k) => Math.exp((outputs[offset + k] as number) - max));
  const sum = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / sum);
}

/** The CSV lines of one split (no header). */
function rows(data: Dataset, split: DataSplit, outputs: Float32Array, name: string, fold: string): string[] {
  const width = data.task === 'regression' ? 1 : data.classes;
  const lines: string[] = [];
  for (let i = 0; i < split.n; i++) {
    const sample = split.index?.[i] ?? i;
    const scores =
      data.task === 'regression' ? [outputs[i] as number] : softmaxRow(outputs, i * width, width);
    lines.push([sample, fold, name, split.y[i] as number, ...scores].join(','));
  }
  return lines;
}

/** Writes `<runDir>/predictions.csv` atomically (temp file, then rename). */
export async function writePredictions(
  runDir: string,
  data: Dataset,
  parts: { validation?: Float32Array; test?: Float32Array },
  fold: number | undefined,
): Promise<void> {
  const scoreColumns =
    data.task === 'regression'
      ? ['prediction']
      : Array.from({ length: data.classes }, (_, k) => `score_${k}`);
  const foldText = fold === undefined ? '' : String(fold);
  const lines = [['sample', 'fold', 'split', 'label', ...scoreColumns].join(',')];
  if (parts.validation) lines.push(...rows(data, data.validation, parts.validation, 'validation', foldText));
  if (parts.test) lines.push(...rows(data, data.test, parts.test, 'test', foldText));
  const target = join(runDir, PREDICTIONS_FILE);
  await writeFile(`${target}.tmp`, `${lines.join('\n')}\n`);
  await rename(`${target}.tmp`, target);
}
