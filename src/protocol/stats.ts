/**
 * Data shapes carried by both channels (trainer -> host -> webview) and persisted in the run store.
 * Plain JSON: numbers and arrays only. No behaviour here.
 */
import type { Distribution, WeightStats } from '../core/statisticsTypes';

/** Everything reported for one hidden layer at one step. Layer index is 0-based over hidden layers. */
export interface LayerStats {
  layer: number;
  units: number;
  /** Runs from other sources (run store version 2): the module's path in the model, e.g. "net.3". */
  name?: string;
  /** Runs from other sources: linear, conv1d, conv2d or conv3d. */
  kind?: string;
  /**
   * W x + b before the normalisation: present only when a normalisation (BatchNorm, LayerNorm, ...) sits between the
   * layer and its activation (then `pre` is the normalised value). Runs from other sources: the raw layer output.
   */
  linear?: Distribution;
  /** Pre-activation: the input of f (W x + b, or its normalised value when the model normalises). */
  pre: Distribution;
  /** Activation y = f(z) (after dropout in training mode). */
  post: Distribution;
  /** Fraction of activations within 1e-3 (relative) of SELU's saturation value -lambda*alpha (0 for non-SELU). */
  saturated: number;
  /** Fraction of units that are zero for every sample of the batch (ReLU-family dead units; 0 otherwise). */
  dead: number;
  weights: WeightStats;
  /** L2 norm of the loss gradient w.r.t. this layer's weight matrix (NaN in probe mode: no backward pass). */
  gradNorm: number;
  /** ||delta W|| / ||W|| of the last optimiser update (NaN when not measured). */
  updateRatio: number;
}

/** Metric names: 'loss', 'accuracy', 'auc', 'mse' prefixed by nothing (train), 'val_' or 'test_'. */
export type Metrics = Record<string, number>;

/** One hidden layer's place in the network, sent once when a run starts. */
export interface LayerInfo {
  layer: number;
  units: number;
  fanIn: number;
  activation: string;
  normalization: string;
  dropout: string;
  /** Runs from other sources (run store version 2): the module's path and kind (linear, conv2d, ...). */
  name?: string;
  kind?: string;
}

/** The backend a trainer process actually runs on. */
export interface BackendInfo {
  name: 'tensorflow' | 'wasm' | 'cpu';
  /** Version of tfjs-core and, for tensorflow, of tfjs-node. */
  versions: Record<string, string>;
  /** Why a preferred backend was not used (e.g. "tfjs-node not installed"), if it was not. */
  fallbackReason?: string;
}

/** Final numbers of a finished run. */
export interface RunSummary {
  steps: number;
  epochs: number;
  durationMs: number;
  /** Last epoch's train/validation metrics. */
  final: Metrics;
  /** Test-set metrics of the final (or best, with early stopping) model. */
  test: Metrics;
  stoppedEarly: boolean;
  samplesPerSec: number;
  /**
   * The epoch (0-based) whose weights were tested and that epoch's train/validation metrics: the best epoch with
   * early stopping's restoreBest, else the last. What nested selection (sweep.select) reads.
   */
  tested?: { epoch: number; metrics: Metrics };
}

/** A file a run's data was read from, with its size and SHA-256 (hex). */
export interface DataFileInfo {
  path: string;
  bytes: number;
  sha256: string;
}

/** meta.json `source`: the framework, its versions and the device the model lived on. */
export interface RunSource {
  kind: 'pytorch';
  /** e.g. { torch: "2.3.1", python: "3.11.2", snn_lab: "0.1.0" }. */
  versions: Record<string, string>;
  /** e.g. "cpu" or "cuda:0 (NVIDIA A100-SXM4-40GB)". */
  device: string;
  logger?: string;
  /** The exact seed as a decimal string (it may exceed 2^53). */
  seed?: string;
  argv?: string[];
  /** Layer statistics every this many steps. */
  every?: number;
  hostname?: string;
}

export interface RunWarning {
  code: string;
  message: string;
  module?: string;
  layer?: number;
}

/** config.json `model` of a run from another source: the layers the logger found. */
export interface ModelDescription {
  framework: 'pytorch';
  class: string;
  parameters: number;
  layers: {
    layer: number;
    name: string;
    kind: string;
    units: number;
    fanIn: number;
    bias: boolean;
    activation: string;
    normalization: string;
    dropout: { kind: string; rate: number } | null;
  }[];
}
