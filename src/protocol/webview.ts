/**
 * Host <-> webview messages (postMessage) for the dashboard panel and the sidebar view, plus guards for what the
 * webview sends (untrusted). Order: webview `ready` -> host `snapshot` -> host `appended`* (seq + 1 each; one per
 * push, carrying every run's new data); a webview that sees a seq gap posts `resync` and gets a fresh snapshot. No
 * behaviour beyond guards. See docs/dashboard.md.
 */
import type { RunConfig } from '../core/config/experimentConfig';
import type { TestScores } from '../core/study/delongPairs';
import type { StudyCoordinates } from '../core/study/group';
import type { RunStatus } from '../core/runStatus';
import type { RunId } from './ids';
import { asRunId } from './ids';
import type { Distribution, Histogram } from '../core/statisticsTypes';
import type { LayerInfo, LayerStats, ModelDescription, RunSource, RunSummary, RunWarning } from './stats';

/** The dashboard's tabs, in display order. */
export const DASHBOARD_TABS = ['curves', 'layers', 'distributions', 'fixedPoint', 'study', 'theory'] as const;
export type DashboardTab = (typeof DASHBOARD_TABS)[number];

/**
 * The window property a reopened dashboard's first-snapshot script sets: [key, the message as JSON text]
 * (src/host/webviews/firstSnapshotFile.ts).
 */
export const FIRST_MESSAGE_GLOBAL = '__snnLabFirst';

/** Which webview a message belongs to. */
export type WebviewKind = 'dashboard' | 'sidebar';

/** What the webview knows about a run besides its series. Timestamps are ISO 8601. */
export interface RunInfo {
  runId: RunId;
  name: string;
  status: RunStatus;
  mode: 'train' | 'probe';
  /** Backend name, e.g. 'wasm' (undefined until the trainer reported it). */
  backend?: string;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  /** Last progress; `totalSteps` is known once the run started. */
  step?: number;
  epoch?: number;
  totalSteps?: number;
  /** The hidden layers' shapes; empty in `allRuns` and `runs` upserts (only the compared runs' infos carry them). */
  layers: LayerInfo[];
  /** The resolved config; present for runs whose series are sent (RunPayload.info), absent in `allRuns`. */
  config?: RunConfig;
  /** Runs from other sources (e.g. PyTorch with snn_lab): framework, versions and device. */
  source?: Pick<RunSource, 'kind' | 'versions' | 'device'>;
  /** Pitfalls found in the model (meta.json `warnings`). */
  warnings?: Pick<RunWarning, 'code' | 'message'>[];
  /** Runs from other sources, sent where `config` would be: the model found and the script's hyperparameters. */
  model?: ModelDescription;
  hyperparameters?: Record<string, unknown>;
  summary?: RunSummary;
  failure?: { reason: string; message: string };
  /**
   * Colour slot 0..11 of the webview palettes, stored per run by the host (host/webviews/runColors.ts) so a run has
   * one colour in every view; absent in recordings, where the webview derives one from the run id.
   */
  color?: number;
  /** Where the run sits in its study (meta.json's study keys), and the experiment file that identifies the study. */
  study?: RunStudyKeys;
}

/** A run's study coordinates (docs/studies.md#groups) and its experiment file (absolute path). */
export type RunStudyKeys = StudyCoordinates & { file: string };

/**
 * A finished run of a study as the Study tab reads it: coordinates and final metrics (summary.json's last-epoch and
 * test metrics, as `snn-lab study` reads them). Non-finite metrics travel as null (JSON) and count as excluded.
 */
export interface StudyRunPayload {
  runId: RunId;
  createdAt: string;
  coordinates: StudyCoordinates;
  metrics: Record<string, number | null>;
}

/** A run's test-split scores for DeLong's test, or why there are none (no predictions.csv, not a binary task). */
export interface RunPredictions {
  runId: RunId;
  scores?: TestScores;
  note?: string;
}

/**
 * One metric over time as parallel arrays (same length). `epoch` is, for per-step points, fractional
 * (step / stepsPerEpoch) in SNN Lab's runs and the whole 0-based epoch the script reported in runs from other
 * sources (they have no configured epoch count); for epoch-end points, the 1-based count of finished epochs.
 */
export interface CurveSeries {
  step: number[];
  epoch: number[];
  value: number[];
}

/** A Distribution without its histogram: what the step-by-step views need. */
export type Moments = Omit<Distribution, 'histogram'>;

/** LayerStats with histograms removed (they travel in {@link HistogramFrame}s, at fewer steps). */
export type LayerPoint = Omit<LayerStats, 'pre' | 'post' | 'linear'> & {
  pre: Moments;
  post: Moments;
  /** W x + b before the normalisation (normalised layers only). */
  linear?: Moments;
};

/** All hidden layers at one reported step (0-based step and epoch, as in protocol/trainer.ts). */
export interface LayerFrame {
  step: number;
  epoch: number;
  layers: LayerPoint[];
}

/** {@link Moments} of every hidden layer, column-wise (index = 0-based hidden layer). */
export interface MomentColumns {
  mean: number[];
  variance: number[];
  min: number[];
  max: number[];
  percentiles: number[][];
}

/**
 * A {@link LayerFrame} on the wire: one array per field, indexed by hidden layer, numbers rounded to 6 significant
 * digits; NaN/Infinity arrive as null (JSON). Built and read by src/core/frameCodec.ts.
 */
export interface FrameColumns {
  step: number;
  epoch: number;
  units: number[];
  pre: MomentColumns;
  post: MomentColumns;
  /**
   * W x + b before the normalisation, when some layer has one: a layer without it has NaN moments and no
   * percentiles (an empty array).
   */
  linear?: MomentColumns;
  saturated: number[];
  dead: number[];
  gradNorm: number[];
  updateRatio: number[];
  weights: {
    mean: number[];
    variance: number[];
    omegaMean: number[];
    omegaStd: number[];
    tauMean: number[];
    tauStd: number[];
  };
}

/** The histograms of all hidden layers at one step; `pre[i]`/`post[i]` belong to hidden layer i. */
export interface HistogramFrame {
  step: number;
  pre: Histogram[];
  post: Histogram[];
  /** W x + b before the normalisation, when some layer has one (null for a layer without it). */
  linear?: (Histogram | null)[];
}

/** Everything the dashboard shows of one run, already thinned by the host (src/core/series.ts). */
export interface RunPayload {
  info: RunInfo;
  /** Keyed by metric name: 'batch_loss' (every progress report), then epoch metrics ('loss', 'val_accuracy', ...). */
  curves: Record<string, CurveSeries>;
  frames: FrameColumns[];
  histograms: HistogramFrame[];
}

/** One row of the sidebar: status, progress and a sparkline of the training loss. */
export interface SidebarRun {
  info: RunInfo;
  /** Training loss, at most ~48 points. */
  spark: number[];
  /** The run's headline number (e.g. val_accuracy or final loss), when there is one. */
  keyMetric?: { name: string; value: number };
  /** A line that replaces backend/progress, e.g. why a queued run waits. */
  detail?: string;
  /**
   * The run's short label within its experiment (core/runNames `labelsByExperiment` over every run the sidebar
   * lists), made by the host, whose code is warm, so the page's first screen does not label 500 runs itself; the host
   * re-sends the rows whose label changed when runs come or go. The page labels runs without one itself.
   */
  label?: string;
}

/** New data of one run in an `appended` message. */
export interface RunDelta {
  runId: RunId;
  /** Latest info when it changed (status, progress). */
  info?: RunInfo;
  /** New points per metric, to append after the existing ones. */
  curves: Record<string, CurveSeries>;
  frames: FrameColumns[];
  histograms: HistogramFrame[];
}

/** Messages from the host. `seq` increases by 1 per sequenced message; a snapshot resets the count. */
export type HostToWebview =
  | {
      type: 'snapshot';
      seq: number;
      protocolVersion: number;
      /** Every known run (for the run picker); series only for `selected` runs, in `runs`. */
      allRuns: RunInfo[];
      selected: RunId[];
      runs: RunPayload[];
      /** Tab to show (set by open(runIds, tab)); absent keeps the current one. */
      tab?: DashboardTab;
      /** In an untrusted workspace: what Restricted Mode allows (no process actions are offered then). */
      restricted?: string;
    }
  | {
      /**
       * Everything one push appends, for every run that has new data, in one message (one `message` event, so the
       * page renders a push once): applied in order; a run may appear more than once (the statistics a snapshot left
       * out, then newer data).
       */
      type: 'appended';
      seq: number;
      runs: RunDelta[];
    }
  | {
      /** Runs created, changed (status) or deleted anywhere in the store: `allRuns` follows without a snapshot. */
      type: 'runs';
      seq: number;
      upsert: RunInfo[];
      removed: RunId[];
    }
  | {
      /**
       * The compared runs changed (the user picked runs, or a new run joined): `runs` holds the payload of every
       * run in `selected` the webview did not hold before; runs no longer in `selected` are dropped.
       */
      type: 'selection';
      seq: number;
      selected: RunId[];
      runs: RunPayload[];
    }
  | {
      type: 'sidebarSnapshot';
      seq: number;
      protocolVersion: number;
      runs: SidebarRun[];
      /** In an untrusted workspace: what Restricted Mode allows (no process actions are offered then). */
      restricted?: string;
    }
  | {
      /** Sidebar rows that changed since the last message (new rows included) and rows of deleted runs. */
      type: 'sidebarUpdate';
      seq: number;
      upsert: SidebarRun[];
      removed: RunId[];
    }
  | { type: 'showTab'; tab: DashboardTab }
  | { type: 'notice'; level: 'info' | 'error'; message: string }
  | {
      /** Answer to `requestStudy`: the finished training runs of one experiment file (unsequenced). */
      type: 'study';
      file: string;
      runs: StudyRunPayload[];
      /** The file's runs that did not finish, by status (failed, diverged, running, ...). */
      unfinished: Record<string, number>;
    }
  /** Answer to `requestPredictions` (unsequenced). */
  | { type: 'predictions'; runs: RunPredictions[] };

/** Messages from a webview. Parse with {@link parseWebviewToHost}: the webview is untrusted. */
export type WebviewToHost =
  /**
   * The page is booted. `shown`: the seq of the snapshot its HTML carried and it drew (the host embeds the first
   * snapshot when it has it at once, docs/dashboard.md); the host then sends only what followed that snapshot.
   */
  | { type: 'ready'; protocolVersion: number; view: WebviewKind; shown?: number }
  | { type: 'resync'; lastSeq: number }
  /**
   * The page drew the snapshot `seq` whole and painted it: the host starts reading what that snapshot left for later
   * (the statistics, docs/dashboard.md) only now, so the reading does not take the CPU from the first paint.
   */
  | { type: 'drawn'; seq: number }
  | { type: 'selectRuns'; runIds: RunId[] }
  | { type: 'openDashboard'; runIds: RunId[]; tab?: DashboardTab }
  | { type: 'stopRun'; runId: RunId }
  | { type: 'exportRun'; runId: RunId }
  /** Save a chart or series: `format` png carries a data: URL, csv carries the text. `fileName` is a suggestion. */
  | { type: 'saveFile'; format: 'png' | 'csv'; fileName: string; data: string }
  | { type: 'tabChanged'; tab: DashboardTab }
  | { type: 'error'; message: string }
  /** The Study tab wants the finished runs of an experiment file (RunStudyKeys.file of a known run). */
  | { type: 'requestStudy'; file: string }
  /** DeLong's test in the Study tab needs these runs' test predictions. */
  | { type: 'requestPredictions'; runIds: RunId[] };

/** Result of {@link parseWebviewToHost}: the message, or why it was rejected (for the log). */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Upper bound of a saved file's payload (a 4k PNG data URL is ~2-10 MB); bigger payloads are rejected. */
export const MAX_SAVE_BYTES = 32 * 1024 * 1024;

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(m: Rec, key: string, max = 4096): string {
  const v = m[key];
  if (typeof v !== 'string') throw new Error(`field "${key}" must be a string`);
  if (v.length > max) throw new Error(`field "${key}" is longer than ${max} characters`);
  return v;
}

function int(m: Rec, key: string): number {
  const v = m[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Error(`field "${key}" must be an integer`);
  return v;
}

function runId(v: unknown, where: string): RunId {
  if (typeof v !== 'string' || v.length > 200) throw new Error(`${where} must be a run id string`);
  try {
    return asRunId(v);
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`, { cause: error });
  }
}

function runIds(m: Rec): RunId[] {
  const v = m.runIds;
  if (!Array.isArray(v) || v.length > 256) {
    throw new Error('field "runIds" must be an array of at most 256 run ids');
  }
  return v.map((id, i) => runId(id, `runIds[${i}]`));
}

function tab(v: unknown): DashboardTab {
  if (!(DASHBOARD_TABS as readonly unknown[]).includes(v)) {
    throw new Error(`field "tab" must be one of ${DASHBOARD_TABS.join(', ')}`);
  }
  return v as DashboardTab;
}

const parsers: { [K in WebviewToHost['type']]: (m: Rec) => Extract<WebviewToHost, { type: K }> } = {
  ready: (m) => {
    const view = m.view;
    if (view !== 'dashboard' && view !== 'sidebar') {
      throw new Error('field "view" must be "dashboard" or "sidebar"');
    }
    const ready = {
      type: 'ready' as const,
      protocolVersion: int(m, 'protocolVersion'),
      view: view as WebviewKind,
    };
    return m.shown === undefined ? ready : { ...ready, shown: int(m, 'shown') };
  },
  resync: (m) => ({ type: 'resync', lastSeq: int(m, 'lastSeq') }),
  drawn: (m) => ({ type: 'drawn', seq: int(m, 'seq') }),
  selectRuns: (m) => ({ type: 'selectRuns', runIds: runIds(m) }),
  openDashboard: (m) =>
    m.tab === undefined
      ? { type: 'openDashboard', runIds: runIds(m) }
      : { type: 'openDashboard', runIds: runIds(m), tab: tab(m.tab) },
  stopRun: (m) => ({ type: 'stopRun', runId: runId(m.runId, 'field "runId"') }),
  exportRun: (m) => ({ type: 'exportRun', runId: runId(m.runId, 'field "runId"') }),
  saveFile: (m) => {
    const format = m.format;
    if (format !== 'png' && format !== 'csv') throw new Error('field "format" must be "png" or "csv"');
    const fileName = str(m, 'fileName', 200);
    if (!/^[\w.() -]+$/.test(fileName)) {
      throw new Error('field "fileName" may hold only letters, digits, " ._()-"');
    }
    // "." and ".." pass the character check but name a folder: the save dialog would open beside the workspace.
    if (/^[. ]+$/.test(fileName)) throw new Error('field "fileName" must name a file, not "." or ".."');
    const data = str(m, 'data', MAX_SAVE_BYTES);
    if (format === 'png' && !data.startsWith('data:image/png;base64,')) {
      throw new Error('field "data" of a png must be a data:image/png;base64 URL');
    }
    return { type: 'saveFile', format, fileName, data };
  },
  tabChanged: (m) => ({ type: 'tabChanged', tab: tab(m.tab) }),
  error: (m) => ({ type: 'error', message: str(m, 'message', 20_000) }),
  requestStudy: (m) => ({ type: 'requestStudy', file: str(m, 'file') }),
  requestPredictions: (m) => ({ type: 'requestPredictions', runIds: runIds(m) }),
};

/**
 * Validates a message received from a webview. Never throws: a bad message yields `{ ok: false, error }` naming
 * the offending field, for the host's log.
 */
export function parseWebviewToHost(value: unknown): ParseResult<WebviewToHost> {
  if (!isRecord(value)) return { ok: false, error: 'message is not an object' };
  const type = value.type;
  if (typeof type !== 'string' || !Object.hasOwn(parsers, type)) {
    return { ok: false, error: `unknown message type ${JSON.stringify(type)?.slice(0, 60)}` };
  }
  try {
    const parse = parsers[type as WebviewToHost['type']] as (m: Rec) => WebviewToHost;
    return { ok: true, value: parse(value) };
  } catch (error) {
    return { ok: false, error: `${type}: ${(error as Error).message}` };
  }
}
