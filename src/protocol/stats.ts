/**
 * Data shapes carried by both channels (trainer -> host -> webview) and persisted in the run store.
 * Plain JSON: numbers and arrays only. No behaviour here.
 */
import type { Distribution, WeightStats } from '../core/statisticsTypes';

/** Everything reported for one hidden layer at one step. Layer index is 0-based over hidden layers. */
export interface LayerStats {
  layer: number;
  units: number;
  /** Pre-activation z = W x + b (after normalisation when the model has it). */
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
