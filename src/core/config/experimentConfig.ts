/**
 * The experiment format as TypeScript types: the shape of one *resolved* run configuration
 * (defaults applied, variant/sweep overrides merged) plus the file-level wrapper. The JSON Schema in
 * schemas/experiment.schema.json is the single source of truth for validation and defaults; these types
 * mirror it and a unit test keeps the two in agreement. Pure: no Node, no vscode, no tfjs.
 */

export type Activation = 'selu' | 'relu' | 'elu' | 'tanh' | 'gelu' | 'swish' | 'leaky_relu' | 'linear';
export type Init = 'lecun_normal' | 'lecun_uniform' | 'he_normal' | 'glorot_uniform' | 'tfjs_lecun_normal';
export type Normalization = 'none' | 'batchnorm' | 'layernorm';
export type OptimizerName = 'sgd' | 'momentum' | 'adam' | 'rmsprop';
export type Task = 'classification' | 'regression';
export type SyntheticKind = 'blobs' | 'moons' | 'spirals' | 'xor' | 'teacher';

/** How samples are divided. Fractions are of the whole data set, in [0, 1). `folds` > 1 means k-fold CV. */
export interface SplitConfig {
  test: number;
  validation: number;
  /** k for k-fold cross-validation; 0 or 1 means no folds. Each fold becomes its own run. */
  folds: number;
  stratify: boolean;
}

interface DataCommon {
  split: SplitConfig;
  /** Standardise features to mean 0, variance 1 with statistics of the training part only. */
  standardize: boolean;
  /**
   * Seed of the data (synthetic generation, subsets, split, folds). Omitted in a file: `seed`; always set in the
   * RunConfig of an expanded plan (docs/studies.md#seeds).
   */
  splitSeed?: number;
}

export interface CsvDataConfig extends DataCommon {
  source: 'csv';
  /**
   * Path relative to the experiment file (resolved to absolute by the loader, never by core). In a file it may
   * be a list or a glob (one data set each); every RunConfig of an expanded plan has exactly one path.
   */
  path: string;
  /** Column holding each row's fold id (imported folds); not a feature. */
  foldColumn?: string | number;
  header: boolean;
  /** Target column: header name or 0-based index (negative counts from the end; default -1, the last column). */
  target: string | number;
  /** Feature columns (names or 0-based indices); empty or omitted means every column but the target. */
  features?: (string | number)[];
  task: Task;
}

export interface MnistDataConfig extends DataCommon {
  source: 'mnist';
  /** How many of the 10,000 digits shipped by the `mnist` package to use (default 2,000). */
  samples: number;
}

export interface SyntheticDataConfig extends DataCommon {
  source: 'synthetic';
  kind: SyntheticKind;
  samples: number;
  features: number;
  classes: number;
  /** Noise scale; meaning per kind (std of the gaussian jitter). */
  noise: number;
}

/** An images file and its labels file in the IDX format of MNIST (plain or gzip). */
export interface IdxFiles {
  images: string;
  labels: string;
}

export interface IdxDataConfig extends DataCommon {
  source: 'idx';
  /** Directory of the files, relative to the experiment file. */
  path: string;
  train: IdxFiles;
  test: IdxFiles;
  /** Seeded subsets of the training / test images; omitted: all. */
  samples?: number;
  testSamples?: number;
}

export type DataConfig = CsvDataConfig | MnistDataConfig | IdxDataConfig | SyntheticDataConfig;

export interface DropoutConfig {
  kind: 'alpha' | 'standard';
  /** Drop probability in [0, 1). 0 disables dropout. */
  rate: number;
}

export interface ModelConfig {
  /** Number of hidden layers. */
  depth: number;
  /** Units of the first hidden layer (every layer when shape is rectangular). */
  width: number;
  /** conic: widths shrink linearly from `width` towards the output size. */
  shape: 'rectangular' | 'conic';
  activation: Activation;
  init: Init;
  normalization: Normalization;
  dropout: DropoutConfig;
  /** Explicit SELU parameters; overrides the paper constants when activation is selu. */
  selu?: { alpha: number; lambda: number };
  /** Target fixed point; expandRuns solves (alpha, lambda) for it with the theory core and sets `selu`. */
  fixedPoint?: { mean: number; variance: number };
}

export interface TrainConfig {
  optimizer: OptimizerName;
  learningRate: number;
  batchSize: number;
  epochs: number;
  weightDecay: number;
  /** Stop after `patience` epochs without improvement of `metric`; test the best epoch's weights (restoreBest). */
  earlyStopping?: { metric: string; patience: number; mode?: 'min' | 'max'; restoreBest?: boolean };
  /** Every fold trains from the same initialisation seed (default false: one derived seed per fold). */
  sameInitAcrossFolds?: boolean;
}

export interface StatsConfig {
  /** Report per-layer statistics every N optimisation steps (and at step 0). */
  everySteps: number;
  /** Histogram bins per layer. */
  bins: number;
  /** Histograms cover [-range, range] (plus underflow/overflow counts), the same for every run so they compare. */
  range: number;
  /** 'all' or 0-based hidden-layer indices. */
  layers: 'all' | number[];
}

export interface SlurmExecutorConfig {
  kind: 'slurm';
  partition?: string;
  timeLimit?: string;
  cpusPerTask?: number;
  memory?: string;
  /** At most this many array tasks at once (the %P of --array). */
  parallel?: number;
  sbatchOptions?: string[];
  runsDir?: string;
}

export type ExecutorConfig = { kind: 'local' } | SlurmExecutorConfig;

/** One concrete, fully defaulted run configuration: what the trainer receives. */
export interface RunConfig {
  name: string;
  seed: number;
  data: DataConfig;
  model: ModelConfig;
  train: TrainConfig;
  stats: StatsConfig;
}

/** Nested selection over the sweep: the best point by a validation metric, per variant, data set, repeat and fold. */
export interface SelectConfig {
  metric: string;
  mode?: 'min' | 'max';
}

/** The file as written (after defaults), before variants and sweeps are expanded. */
export interface ExperimentFile extends RunConfig {
  /** Every plan entry is trained this many times (repeat seeds: docs/studies.md#seeds). */
  repeats: number;
  /** Named partial overrides, e.g. { "ReLU+BN": { model: { activation: "relu", normalization: "batchnorm" } } }. */
  variants: Record<string, unknown>;
  /** Grid over dotted keys, e.g. { "model.depth": [8, 16, 32] } (`select` taken out into `select`). */
  sweep: Record<string, unknown[]>;
  /** The sweep's `select`, when given. */
  select?: SelectConfig;
  executor: ExecutorConfig;
}

/** One entry of the expanded run list. */
export interface RunPlan {
  /**
   * Stable, readable name "<name>[/<variant>][/<key>=<value>,...][/data=<file>][/fold=<k>][#r<i>]", e.g.
   * "depth-sweep/SNN/model.depth=16" (unique within the experiment; see docs/experiment-format.md).
   */
  name: string;
  variant?: string;
  /** The sweep coordinates of this run (dotted key -> value). */
  sweepPoint: Record<string, unknown>;
  /** 0-based fold index when k-fold CV is used. */
  fold?: number;
  /** 0-based repeat index when the file has `repeats` > 1. */
  repeat?: number;
  /** The data set label (the path as listed or matched) when data.path names several files. */
  dataset?: string;
  /** Shared by the replicates of one configuration: the run name without "/fold=<k>" and "#r<i>". */
  group?: string;
  config: RunConfig;
}
