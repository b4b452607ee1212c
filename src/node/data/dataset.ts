/**
 * The in-memory data set the trainer consumes, produced by the Node-side loader (loadDataset.ts) from a
 * RunConfig's `data` section. Features are already standardised when the config asks for it (statistics of
 * the training part only). Row-major: sample i occupies x[i*features .. (i+1)*features).
 */
import type { Task } from '../../core/config/experimentConfig';

export interface DataSplit {
  /** Row-major features, length n * features. */
  x: Float32Array;
  /** Class index (classification) or target value (regression), length n. */
  y: Float32Array;
  n: number;
  /** Each row's index in its source file (CSV data row, IDX image, MNIST digit), for predictions.csv. */
  index?: Int32Array;
}

/** A file a data set was read from, with its SHA-256 (recorded in the run's meta.json). */
export interface DataFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface Dataset {
  task: Task;
  features: number;
  /** Number of classes; 1 for regression. */
  classes: number;
  featureNames: string[];
  /** Class labels in index order (classification only). */
  classNames?: string[];
  /** Samples per class in the whole data set (classification only). */
  classCounts?: number[];
  train: DataSplit;
  validation: DataSplit;
  test: DataSplit;
  /** Human-readable notes for the run log (e.g. "standardised 13 features on 364 training rows"). */
  notes: string[];
  /** Every file read (none for synthetic data). */
  files: DataFile[];
}

/** Options of loadDataset(config, options). */
export interface LoadOptions {
  /** Directory of the experiment file; relative CSV paths resolve against it. */
  baseDir: string;
  /** Workspace root: CSV paths that resolve outside it are refused unless allowOutsideWorkspace. */
  workspaceRoot?: string;
  allowOutsideWorkspace?: boolean;
  /** With k-fold splits, which fold (0-based) is the validation fold. */
  fold?: number;
  /** The run's seed; data.splitSeed, when set, seeds the data instead (docs/studies.md#seeds). */
  seed: number;
}
