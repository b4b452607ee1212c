/**
 * Pure reducers of the webviews' data state: `reduce(state, message) -> state` for the dashboard and the sidebar.
 * Tracks `seq` (a gap sets `needsResync`), merges appended data and keeps long series thinned. No DOM: tested in Node.
 */
import { decodeFrame } from '../../src/protocol/frameCodec';
import { thin } from '../../src/core/series';
import type { TestScoresResult } from '../../src/core/study/delongPairs';
import type { RunId } from '../../src/protocol/ids';
import type {
  CurveSeries,
  FrameColumns,
  DashboardTab,
  HostToWebview,
  LayerFrame,
  RunDelta,
  RunInfo,
  RunPayload,
  SidebarRun,
} from '../../src/protocol/webview';
import { decodeStudy, mergePredictions, type StudyState } from './studyData';

/** A run as the webview holds it: the payload with its column-wise frames decoded. */
export type RunView = Omit<RunPayload, 'frames'> & { frames: LayerFrame[] };

/**
 * A frame whose `layers` are decoded from the columns on first read (then kept): the tabs read a few hundred of a
 * snapshot's 16 x 640 frames, and decoding all of them up front (~330k layer objects) slowed opening.
 */
export function lazyFrame(c: FrameColumns): LayerFrame {
  let layers: LayerFrame['layers'] | undefined;
  const frame = { step: c.step, epoch: c.epoch } as LayerFrame;
  return Object.defineProperty(frame, 'layers', {
    enumerable: true,
    get: () => (layers ??= decodeFrame(c).layers),
  });
}

/** A payload as a RunView: frames decode lazily ({@link lazyFrame}), so charts read plain objects. */
export function toRunView(run: RunPayload): RunView {
  return { ...run, frames: run.frames.map(lazyFrame) };
}

/** Bounds the webview keeps while appending; past them the older part is thinned evenly (latest kept). */
export const LIMITS = { frames: 600, histograms: 48, curvePoints: 4000 } as const;

export interface DashboardData {
  /** Last applied seq; -1 before the first snapshot. */
  seq: number;
  /** Set when an appended message was skipped or out of order; the UI then posts `resync`. */
  needsResync: boolean;
  allRuns: RunInfo[];
  selected: RunId[];
  runs: Record<string, RunView>;
  /** Tab requested by the host with the last snapshot or showTab (consumed by the UI). */
  requestedTab?: DashboardTab;
  notice?: { level: 'info' | 'error'; message: string };
  /** Set in an untrusted workspace (the host's Restricted Mode note): no Stop buttons. */
  restricted?: string;
  /** Incremented on every change; charts compare it to skip redundant redraws. */
  revision: number;
  /** The study the Study tab asked for, and test predictions received for DeLong's test (studyData.ts). */
  study?: StudyState;
  predictions?: Record<string, TestScoresResult>;
}

export const initialDashboard: DashboardData = {
  seq: -1,
  needsResync: false,
  allRuns: [],
  selected: [],
  runs: {},
  revision: 0,
};

/** Keeps at most `max` items by thinning evenly once the list grows 50 % past the bound. */
function bound<T>(items: T[], max: number): T[] {
  return items.length > max * 1.5 ? thin(items, max) : items;
}

function appendCurves(
  into: Record<string, CurveSeries>,
  from: Record<string, CurveSeries>,
): Record<string, CurveSeries> {
  const out = { ...into };
  for (const [name, add] of Object.entries(from)) {
    const old = out[name] ?? { step: [], epoch: [], value: [] };
    // concat copies packed arrays in bulk: a push of 100 runs extends 100 × 3 arrays of up to 6,000 numbers.
    let next: CurveSeries = {
      step: old.step.concat(add.step),
      epoch: old.epoch.concat(add.epoch),
      value: old.value.concat(add.value),
    };
    if (next.step.length > LIMITS.curvePoints * 1.5) {
      const keep = thin(
        next.step.map((_, i) => i),
        LIMITS.curvePoints,
      );
      next = {
        step: keep.map((i) => next.step[i] as number),
        epoch: keep.map((i) => next.epoch[i] as number),
        value: keep.map((i) => next.value[i] as number),
      };
    }
    out[name] = next;
  }
  return out;
}

/** Merges a new RunInfo over an old one, keeping config/model/summary the delta does not carry. */
function mergeInfo(old: RunInfo | undefined, next: RunInfo): RunInfo {
  if (!old) return next;
  return {
    ...old,
    ...next,
    config: next.config ?? old.config,
    model: next.model ?? old.model,
    hyperparameters: next.hyperparameters ?? old.hyperparameters,
    summary: next.summary ?? old.summary,
  };
}

const mergeAllRunsInfo = (r: RunInfo, info: RunInfo | undefined): RunInfo => (info ? mergeInfo(r, info) : r);

/** A run with one delta of an `appended` message applied (a new object; unchanged runs keep theirs). */
function appendRun(run: RunView, delta: RunDelta): RunView {
  return {
    info: delta.info ? mergeInfo(run.info, delta.info) : run.info,
    curves: appendCurves(run.curves, delta.curves),
    frames: bound([...run.frames, ...delta.frames.map(lazyFrame)], LIMITS.frames),
    histograms: bound([...run.histograms, ...delta.histograms], LIMITS.histograms),
  };
}

/** The dashboard reducer. Unknown message kinds leave the state unchanged. */
export function reduceDashboard(state: DashboardData, m: HostToWebview): DashboardData {
  switch (m.type) {
    case 'snapshot': {
      const runs: Record<string, RunView> = {};
      for (const run of m.runs) runs[run.info.runId] = toRunView(run);
      return {
        seq: m.seq,
        needsResync: false,
        allRuns: m.allRuns,
        selected: m.selected.filter((id) => runs[id] !== undefined),
        runs,
        ...(m.tab ? { requestedTab: m.tab } : {}),
        ...(state.study ? { study: state.study } : {}),
        ...(state.predictions ? { predictions: state.predictions } : {}),
        ...(m.restricted ? { restricted: m.restricted } : {}),
        revision: state.revision + 1,
      };
    }
    case 'appended': {
      // A page newer than its host (a window not reloaded after an update) would get one run per message: ignored.
      if (state.seq < 0 || state.needsResync || !Array.isArray(m.runs)) return state;
      if (m.seq !== state.seq + 1) return { ...state, needsResync: true, revision: state.revision + 1 };
      const runs = { ...state.runs };
      const infos = new Map<string, RunInfo>();
      for (const delta of m.runs) {
        if (delta.info) infos.set(delta.runId, mergeInfo(infos.get(delta.runId), delta.info));
        const run = runs[delta.runId];
        if (run) runs[delta.runId] = appendRun(run, delta);
      }
      const allRuns =
        infos.size === 0 ? state.allRuns : state.allRuns.map((r) => mergeAllRunsInfo(r, infos.get(r.runId)));
      return { ...state, seq: m.seq, allRuns, runs, revision: state.revision + 1 };
    }
    case 'runs': {
      if (state.seq < 0 || state.needsResync) return state;
      if (m.seq !== state.seq + 1) return { ...state, needsResync: true, revision: state.revision + 1 };
      const removed = new Set<string>(m.removed);
      const upsert = new Map(m.upsert.map((info) => [info.runId as string, info]));
      const allRuns = state.allRuns
        .filter((r) => !removed.has(r.runId))
        .map((r) => {
          const info = upsert.get(r.runId);
          if (info) upsert.delete(r.runId);
          return info ? mergeInfo(r, info) : r;
        });
      allRuns.push(...upsert.values());
      const runs = { ...state.runs };
      for (const id of removed) delete runs[id];
      const selected = state.selected.filter((id) => !removed.has(id));
      return { ...state, seq: m.seq, allRuns, runs, selected, revision: state.revision + 1 };
    }
    case 'selection': {
      if (state.seq < 0 || state.needsResync) return state;
      if (m.seq !== state.seq + 1) return { ...state, needsResync: true, revision: state.revision + 1 };
      const runs: Record<string, RunView> = {};
      for (const id of m.selected) {
        const held = state.runs[id];
        if (held) runs[id] = held;
      }
      for (const run of m.runs) runs[run.info.runId] = toRunView(run);
      return {
        ...state,
        seq: m.seq,
        selected: m.selected.filter((id) => runs[id] !== undefined),
        runs,
        revision: state.revision + 1,
      };
    }
    case 'showTab':
      return { ...state, requestedTab: m.tab, revision: state.revision + 1 };
    case 'notice':
      return { ...state, notice: { level: m.level, message: m.message }, revision: state.revision + 1 };
    case 'study':
      return { ...state, study: decodeStudy(m), revision: state.revision + 1 };
    case 'predictions':
      return {
        ...state,
        predictions: mergePredictions(state.predictions ?? {}, m),
        revision: state.revision + 1,
      };
    default:
      return state;
  }
}

export interface SidebarData {
  seq: number;
  runs: SidebarRun[];
  notice?: { level: 'info' | 'error'; message: string };
  /** Set in an untrusted workspace (the host's Restricted Mode note): shown, and no Stop buttons. */
  restricted?: string;
}

export const initialSidebar: SidebarData = { seq: -1, runs: [] };

/** The sidebar reducer: a snapshot replaces the rows, an update replaces or adds the rows it names (by run id). */
export function reduceSidebar(state: SidebarData, m: HostToWebview): SidebarData {
  if (m.type === 'sidebarSnapshot') {
    return { seq: m.seq, runs: m.runs, ...(m.restricted ? { restricted: m.restricted } : {}) };
  }
  if (m.type === 'sidebarUpdate') {
    const removed = new Set<string>(m.removed);
    const upsert = new Map(m.upsert.map((row) => [row.info.runId as string, row]));
    const runs = state.runs
      .filter((row) => !removed.has(row.info.runId))
      .map((row) => {
        const next = upsert.get(row.info.runId);
        if (next) upsert.delete(row.info.runId);
        return next ?? row;
      });
    // New runs are the newest: the host lists oldest first, so they go last.
    runs.push(...upsert.values());
    return { ...state, seq: m.seq, runs };
  }
  if (m.type === 'notice') return { ...state, notice: { level: m.level, message: m.message } };
  return state;
}

/** The selected runs' payloads, in selection order. */
export function selectedRuns(state: DashboardData): RunView[] {
  return state.selected.flatMap((id) => state.runs[id] ?? []);
}
