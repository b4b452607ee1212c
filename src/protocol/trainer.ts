/**
 * Host <-> trainer messages (Node IPC over fork). Discriminated unions on `type`.
 * Everything received is `unknown` until a parser in this file (or trainerParse.ts) accepts it.
 * Steps and epochs are 0-based; `step` counts optimiser updates since the start of the run.
 */
import type { RunConfig } from '../core/config/experimentConfig';
import type { RunId } from './ids';
import type { BackendInfo, DataFileInfo, LayerInfo, LayerStats, Metrics, RunSummary } from './stats';

/** Probe batch size when a start message names none. */
export const DEFAULT_PROBE_SAMPLES = 2048;

/** Largest probe batch accepted (the memory budget usually refuses far smaller ones first). */
export const MAX_PROBE_SAMPLES = 1_000_000;

/**
 * Bounds on what one trainer message may hold. IPC input is untrusted like any other: these are far above any real
 * run (the experiment schema allows 1,000 layers and 512 histogram bins; TensorBoard's percentiles are 9) and far
 * below sizes that would make the store or a dashboard hold unbounded data. Longer texts are cut, not refused, so a
 * failure is never lost for its length.
 */
export const MESSAGE_LIMITS = {
  layers: 10_000,
  histogramBins: 512,
  percentiles: 64,
  metrics: 1_000,
  nameChars: 200,
  dataFiles: 10_000,
  textChars: 65_536,
} as const;

export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

/**
 * Environment variable the host (and the CLI launcher) sets for trainers: the npm prefix holding
 * node_modules/@tensorflow/tfjs-node, installed by "SNN Lab: Install Native Backend" into global storage.
 */
export const NATIVE_MODULES_ENV = 'SNN_LAB_NATIVE_MODULES';

/** Commands from the host. */
export type HostToTrainer =
  | {
      type: 'start';
      runId: RunId;
      /** 'train' runs the loop; 'probe' only forwards a large batch through the freshly initialised net. */
      mode: 'train' | 'probe';
      config: RunConfig;
      /** Absolute directory of the experiment file: relative data paths resolve against it. */
      baseDir: string;
      /** Where the trainer writes the trained weights (the run store owns everything else). */
      runDir?: string;
      /** Probe batch size (default DEFAULT_PROBE_SAMPLES, at most MAX_PROBE_SAMPLES). */
      probeSamples?: number;
      /** Memory budget in MiB: once the data is loaded, a run estimated above it fails (reason 'data'). */
      memoryBudgetMB?: number;
      /** Workspace root: data paths that resolve outside it are refused unless allowOutsideWorkspace (LoadOptions). */
      workspaceRoot?: string;
      allowOutsideWorkspace?: boolean;
      /** Probe input: the run's training data (default) or N(0, I) with `model.width` features. */
      probeInput?: 'data' | 'normal';
      /** With k-fold cross-validation, the 0-based fold whose part is the validation set (RunPlan.fold). */
      fold?: number;
    }
  | { type: 'stop' };

export type FailureReason = 'diverged' | 'data' | 'internal' | 'stopped' | 'crashed';

/** Events from the trainer. */
export type TrainerToHost =
  | { type: 'ready'; protocolVersion: number; backend: BackendInfo; pid: number }
  | {
      type: 'started';
      runId: RunId;
      layers: LayerInfo[];
      totalSteps: number;
      stepsPerEpoch: number;
      samples: { train: number; validation: number; test: number };
      features: number;
      /** Number of classes (1 for regression). */
      classes: number;
      /** Every data file read, with its SHA-256 (absent for synthetic data and older trainers). */
      dataFiles?: DataFileInfo[];
    }
  | { type: 'progress'; runId: RunId; step: number; epoch: number; loss: number; samplesPerSec: number }
  | { type: 'epochEnd'; runId: RunId; epoch: number; step: number; metrics: Metrics }
  | { type: 'layerStats'; runId: RunId; step: number; epoch: number; layers: LayerStats[] }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'finished'; runId: RunId; summary: RunSummary }
  | {
      type: 'failed';
      runId: RunId;
      reason: FailureReason;
      message: string;
      stack?: string;
      /**
       * For 'diverged' and 'stopped': the steps done before it ended (= the 0-based index of the step that diverged
       * or was not started); for 'diverged' also the first hidden layer (0-based) with a non-finite value, if known.
       */
      step?: number;
      layer?: number;
    };
