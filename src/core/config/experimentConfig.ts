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
}

export interface CsvDataConfig extends DataCommon {
  source: 'csv';
  /** Path relative to the experiment file (resolved to absolute by the loader, never by core). */
  path: string;
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

export type DataConfig = CsvDataConfig | MnistDataConfig | SyntheticDataConfig;

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
  earlyStopping?: { metric: string; patience: number };
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

/** The file as written (after defaults), before variants and sweeps are expanded. */
export interface ExperimentFile extends RunConfig {
  /** Named partial overrides, e.g. { "ReLU+BN": { model: { activation: "relu", normalization: "batchnorm" } } }. */
  variants: Record<string, unknown>;
  /** Grid over dotted keys, e.g. { "model.depth": [8, 16, 32] }. */
  sweep: Record<string, unknown[]>;
  executor: ExecutorConfig;
}

/** One entry of the expanded run list. */
export interface RunPlan {
  /**
   * Stable, readable name "<name>[/<variant>][/<key>=<value>,...][/fold=<k>]", e.g.
   * "depth-sweep/SNN/model.depth=16" (unique within the experiment; see docs/experiment-format.md).
   */
  name: string;
  variant?: string;
  /** The sweep coordinates of this run (dotted key -> value). */
  sweepPoint: Record<string, unknown>;
  /** 0-based fold index when k-fold CV is used. */
  fold?: number;
  /** Shared by the runs of one k-fold group: the run name without "/fold=<k>". */
  group?: string;
  config: RunConfig;
}
