/**
 * Contract of the run store and run manager (vscode-free: the CLI, the extension and plain-Node tests use them).
 * On disk, one run is `<runsDir>/<runId>/` with config.json, meta.json, metrics.jsonl, layers.jsonl,
 * summary.json and the trained weights; every file carries `schemaVersion`.
 */
import type { RunConfig, RunPlan } from '../core/config/experimentConfig';
import type { Disposable, Event } from '../core/events';
import type { RunStatus } from '../core/runStatus';
import type { RunId } from '../protocol/ids';
import type {
  BackendInfo,
  DataFileInfo,
  LayerInfo,
  LayerStats,
  Metrics,
  ModelDescription,
  RunSource,
  RunSummary,
  RunWarning,
} from '../protocol/stats';
import type { FrameColumns } from '../protocol/webview';
import type { BackendChoice, FailureReason, TrainerToHost } from '../protocol/trainer';

/** Version 2 added runs from other sources (`source`, `warnings`, a model description); see docs/run-store.md. */
export const RUN_SCHEMA_VERSION = 2;

/** Why a run ended other than finished: the trainer's reasons, or `disk-full` (the run store could not write). */
export type RunFailureReason = FailureReason | 'disk-full';

export type RunMode = 'train' | 'probe';

export interface RunMeta {
  schemaVersion: number;
  runId: RunId;
  /** RunPlan.name, e.g. "mnist-depth/SNN/model.depth=16". */
  name: string;
  /** Absolute path of the experiment file the run came from. */
  experiment: string;
  mode: RunMode;
  status: RunStatus;
  /** ISO 8601 timestamps. */
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  /** The run's initialisation/training seed (derived from the file's seed, repeat and fold; docs/studies.md#seeds). */
  seed: number;
  /** Seed of the data split and fold assignment (data.splitSeed, default the file's seed). */
  splitSeed?: number;
  /** The experiment's `name` (the first segment of every run name): a study group key. */
  experimentName?: string;
  variant?: string;
  sweepPoint: Record<string, unknown>;
  fold?: number;
  /** 0-based repeat when the file has `repeats` > 1. */
  repeat?: number;
  /** The data set (data.path as listed or matched) when the study spans several data files. */
  datasetName?: string;
  /** The run name without "/fold=<k>" and "#r<i>": shared by the replicates of one configuration. */
  group?: string;
  /** Every data file the trainer read, with its size and SHA-256 (from its `started` message). */
  dataFiles?: DataFileInfo[];
  backend?: BackendInfo;
  layers?: LayerInfo[];
  totalSteps?: number;
  /** Last reported progress (kept current while running). */
  progress?: { step: number; epoch: number; loss: number };
  failure?: { reason: RunFailureReason; message: string; step?: number; layer?: number };
  /**
   * Present once the run's series were stored thinned to stay within the storage budget: every `layersEvery`-th
   * statistics report and every `progressEvery`-th loss report were kept (epoch records always are).
   */
  thinning?: { layersEvery: number; progressEvery: number; budgetBytes: number };
  /** Where it ran: a local trainer process, or a Slurm array task. */
  executor?:
    { kind: 'local'; pid?: number } | { kind: 'slurm'; jobId: string; taskId: number; state?: string };
  /** The process that created the run and records its messages (extension host or CLI); used by recovery. */
  owner?: { pid: number; hostname: string };
  /** PROTOCOL_VERSION of the trainer that ran it (from its `ready`). */
  protocolVersion?: number;
  /** Data set facts from the trainer's `started` message. */
  dataset?: {
    samples: { train: number; validation: number; test: number };
    features: number;
    classes: number;
    stepsPerEpoch: number;
  };
  /** Who trained the network when it was not SNN Lab's own trainer (e.g. a PyTorch script with snn_lab). */
  source?: RunSource;
  /** Pitfalls found in the model before the run (e.g. PyTorch's default nn.Linear init under SELU). */
  warnings?: RunWarning[];
}

/** One line of metrics.jsonl. `time` is when the host recorded it, in ms since the Unix epoch. */
export type MetricRecord =
  | { kind: 'progress'; step: number; epoch: number; loss: number; samplesPerSec: number; time: number }
  | { kind: 'epoch'; step: number; epoch: number; metrics: Metrics; time: number };

/** One line of layers.jsonl. */
export interface LayerStatsRecord {
  step: number;
  epoch: number;
  layers: LayerStats[];
}

/**
 * Everything known about one run, as read from disk (or memory). SNN Lab's own runs have `config`; runs from other
 * sources have `model` (and the script's `hyperparameters`) instead.
 */
export interface RunData {
  meta: RunMeta;
  config?: RunConfig;
  model?: ModelDescription;
  hyperparameters?: Record<string, unknown>;
  metrics: MetricRecord[];
  layers: LayerStatsRecord[];
  summary?: RunSummary;
}

/** config.json's part of a run: SNN Lab's config, or a model description and hyperparameters. */
export type RunSetup = Pick<RunData, 'config' | 'model' | 'hyperparameters'>;

/** What summary views read of a run: never layers.jsonl (docs/run-store.md, "Readers"). */
export interface RunOverview {
  meta: RunMeta;
  summary?: RunSummary;
  /** Metrics of the latest epoch record near the end of metrics.jsonl. */
  lastEpoch?: Metrics;
  /** Training loss sampled evenly over metrics.jsonl (at most ~56 values, in order). */
  losses: number[];
}

/** A run directory that cannot be listed, and why (shown by `snn-lab runs list`). */
export interface UnreadableRun {
  runId: RunId;
  dir: string;
  reason: string;
}

export type RunChange =
  | { kind: 'created' | 'updated' | 'deleted'; runId: RunId }
  | { kind: 'metrics'; runId: RunId; record: MetricRecord }
  | { kind: 'layers'; runId: RunId; record: LayerStatsRecord };

/** Persistent store of runs under one directory. Implemented by runStore.ts. */
export interface RunStoreApi {
  readonly root: string;
  /** Absolute directory of one run (the trainer writes its weights there). */
  runDir(runId: RunId): string;
  readonly onDidChange: Event<RunChange>;
  /** Creates the run directory with config.json and meta.json (status 'queued'). */
  create(plan: RunPlan, options: { experiment: string; mode: RunMode }): RunId;
  /** Records one trainer message (appends metrics/layers lines, updates meta/summary). */
  record(runId: RunId, message: TrainerToHost): void;
  setStatus(runId: RunId, status: RunStatus, failure?: RunMeta['failure']): void;
  list(): RunMeta[];
  /** One run's meta.json (cached by file stamp), or undefined when missing or unreadable. */
  readMeta(runId: RunId): RunMeta | undefined;
  /** Everything stored for a run (streams the series files: for exports and tests, not for views). */
  read(runId: RunId): RunData | undefined;
  /**
   * What lists and tables show: meta, summary, latest epoch metrics, a loss sparkline; never layers.jsonl. Pass
   * `meta` when just read (list(), readMeta()) to save reading meta.json again.
   */
  overview(runId: RunId, meta?: RunMeta): RunOverview | undefined;
  /** config.json's RunConfig, or undefined when unreadable (or a run from another source). */
  readConfig(runId: RunId): RunConfig | undefined;
  /** config.json's setup (a config, or a model description and hyperparameters), or undefined when unreadable. */
  readSetup(runId: RunId): RunSetup | undefined;
  /** summary.json (finished runs), or undefined. */
  readSummary(runId: RunId): RunSummary | undefined;
  /** Where about `count` statistics records spread evenly over layers.jsonl begin (found by seeking). */
  planLayerSamples(runId: RunId, count: number): { starts: number[]; end: number };
  /** The statistics records starting at `starts` (from planLayerSamples); bounded by their number. */
  readLayersAt(runId: RunId, starts: readonly number[]): LayerStatsRecord[];
  /** Where about `count` frames spread evenly over frames.jsonl begin; undefined when the run has none. */
  planFrameSamples(runId: RunId, count: number): { starts: number[]; end: number } | undefined;
  /** The column-wise frames starting at `starts` (from planFrameSamples). */
  readFramesAt(runId: RunId, starts: readonly number[]): FrameColumns[];
  /** Streams checked records of a series file from `offset` (default: after its header) up to about `maxBytes`. */
  readRecords<F extends 'metrics' | 'layers'>(
    runId: RunId,
    file: F,
    visit: (record: F extends 'metrics' ? MetricRecord : LayerStatsRecord) => void,
    options?: { offset?: number; maxBytes?: number },
  ): { offset: number; more: boolean };
  /**
   * A series file's size and the sha256 (hex) of its bytes [max(0, offset − 4096), offset) (at most 4 KB read), or
   * undefined when it is missing or shorter than `offset`: tells whether a prefix read earlier is still the file's.
   */
  seriesFileStamp(
    runId: RunId,
    file: 'metrics' | 'layers',
    offset: number,
  ): { size: number; tail: string } | undefined;
  /** Deletes a direct child run directory of `root`; throws when the id or the directory is not one. */
  delete(runId: RunId): void;
  /** Marks runs left 'running' or 'queued' by a dead process as 'interrupted'; returns their ids. */
  recoverInterrupted(isAlive: (meta: RunMeta) => boolean): RunId[];
  /**
   * Re-reads the directory to pick up runs written by other processes (CLI, Slurm tasks): fires 'created',
   * 'updated', 'deleted', and 'metrics'/'layers' for lines appended since the last refresh.
   */
  refresh(): void;
  /** Calls refresh() every `intervalMs` until the result is disposed. */
  watch(intervalMs?: number): Disposable;
}

export interface StartOptions {
  /** Absolute path of the experiment file. */
  experiment: string;
  mode: RunMode;
  backend?: BackendChoice;
  /** Workspace root: CSV paths resolving outside it are refused unless allowOutsideWorkspace (forwarded in 'start'). */
  workspaceRoot?: string;
  allowOutsideWorkspace?: boolean;
  /** Probe input (mode 'probe'): the run's training data (default) or N(0, I); forwarded in 'start'. */
  probeInput?: 'data' | 'normal';
  /** Memory budget per run in MiB (forwarded in 'start'; overrides the manager's own). */
  memoryBudgetMB?: number;
}

/** Queue of trainer processes honouring a concurrency limit. Implemented by runManager.ts. */
export interface RunManagerApi {
  readonly onDidChangeRun: Event<{ runId: RunId; status: RunStatus }>;
  readonly onMessage: Event<{ runId: RunId; message: TrainerToHost }>;
  /** Queues the plans; returns their run ids in order. */
  enqueue(plans: RunPlan[], options: StartOptions): RunId[];
  /** Stops a running run (mid-epoch) or cancels a queued one. Resolves when it has ended. */
  stop(runId: RunId): Promise<void>;
  stopAll(): Promise<void>;
  /** Resolves when the run reaches a terminal status; rejects for an unknown run, or a live one another process runs. */
  whenDone(runId: RunId): Promise<RunStatus>;
  active(): RunId[];
  setMaxConcurrent(n: number): void;
  /** Stops everything (stop, grace period, kill). */
  dispose(): Promise<void>;
}
