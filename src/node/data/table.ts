/**
 * The loaders' common intermediate: every sample of a data set before splitting and standardisation.
 * Row-major features like Dataset.
 */
import type { Task } from '../../core/config/experimentConfig';

/** All samples of a data set, unsplit. */
export interface RawTable {
  x: Float32Array;
  y: Float32Array;
  n: number;
  features: number;
  featureNames: string[];
  /** Class labels in index order (classification only). */
  classNames?: string[];
  task: Task;
  notes: string[];
  /** Each row's index in its source file (data rows of a CSV, images of an IDX file); absent: the row number. */
  sourceIndex?: Int32Array;
  /** Imported folds (data.foldColumn): each row's 0-based fold and the fold values in fold order. */
  folds?: { index: Int32Array; names: string[] };
}

/** Samples per class of a classification table. */
export function classCounts(table: RawTable): number[] {
  const counts = new Array<number>(table.classNames?.length ?? 0).fill(0);
  for (let i = 0; i < table.n; i++) {
    const label = table.y[i] as number;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}
