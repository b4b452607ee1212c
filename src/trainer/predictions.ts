/**
 * Writes predictions.csv of a finished run (the column contract of docs/run-store.md): one row per validation and
 * test sample with its index in the source file, the run's fold, the split, the true label and the predicted
 * class probabilities (softmax of the logits) or the regression prediction. DeLong's test reads it.
 */
import { writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset, DataSplit } from '../node/data/dataset';

export const PREDICTIONS_FILE = 'predictions.csv';

/**
 * The CSV lines of one split (no header): probabilities are the max-shifted softmax of each row of logits (large
 * logits do not overflow). Plain loops into one string per row: this runs once, at the end of a run, and arrays made
 * per row gave V8's compiler and GC threads work that competes with a sweep's other runs (docs/performance.md).
 */
function rows(data: Dataset, split: DataSplit, outputs: Float32Array, name: string, fold: string): string[] {
  const width = data.task === 'regression' ? 1 : data.classes;
  const exps = new Float64Array(width);
  const lines: string[] = [];
  for (let i = 0; i < split.n; i++) {
    const sample = split.index?.[i] ?? i;
    let line = `${sample},${fold},${name},${split.y[i] as number}`;
    if (data.task === 'regression') line += `,${outputs[i] as number}`;
    else {
      const offset = i * width;
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < width; k++) max = Math.max(max, outputs[offset + k] as number);
      let sum = 0;
      for (let k = 0; k < width; k++) {
        exps[k] = Math.exp((outputs[offset + k] as number) - max);
        sum += exps[k] as number;
      }
      for (let k = 0; k < width; k++) line += `,${(exps[k] as number) / sum}`;
    }
    lines.push(line);
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
