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
  RunSummary,
} from '../protocol/stats';
import type { BackendChoice, FailureReason, TrainerToHost } from '../protocol/trainer';

export const RUN_SCHEMA_VERSION = 1;

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
  failure?: { reason: FailureReason; message: string; step?: number; layer?: number };
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

/** Everything known about one run, as read from disk (or memory). */
export interface RunData {
  meta: RunMeta;
  config: RunConfig;
  metrics: MetricRecord[];
  layers: LayerStatsRecord[];
  summary?: RunSummary;
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
  read(runId: RunId): RunData | undefined;
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
