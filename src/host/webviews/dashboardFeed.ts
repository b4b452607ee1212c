/**
 * The dashboard's view of the run store: full snapshots for the selected runs and per-change deltas. Pure (no
 * vscode): the run store comes in through RunStoreApi, so unit tests drive it with a real RunStore on a temp dir.
 */
import type { RunId } from '../../protocol/ids';
import type { DashboardTab } from '../../protocol/webview';
import type { RunChange, RunStoreApi } from '../../runs/runTypes';
import {
  budgetFor,
  knownRuns,
  toCurves,
  toFrame,
  toHistogramFrame,
  toRunInfo,
  toRunPayload,
} from './payload';
import type { Delta, SnapshotBody } from './webviewChannel';

/** How many runs a dashboard opened without a selection shows: the most recent ones. */
export const DEFAULT_SELECTION = 2;

export class DashboardFeed {
  private selected: RunId[] = [];
  /** Steps per epoch of the selected runs (for fractional epochs of per-step points). */
  private readonly spe = new Map<RunId, number | undefined>();
  /** Status of each selected run at the last snapshot or delta: a change brings config/summary via a snapshot. */
  private readonly status = new Map<RunId, string>();
  private readonly store: RunStoreApi;

  constructor(store: RunStoreApi) {
    this.store = store;
  }

  get selection(): readonly RunId[] {
    return this.selected;
  }

  /** Sets the compared runs (unknown ids dropped); no ids picks the most recent runs. */
  select(ids: readonly RunId[] | undefined): void {
    const metas = this.store.list();
    if (ids === undefined || ids.length === 0) {
      this.selected = metas.slice(-DEFAULT_SELECTION).map((m) => m.runId);
    } else {
      this.selected = knownRuns(ids, new Set(metas.map((m) => m.runId)));
    }
  }

  /** A full snapshot body: every run's info, and series of the selected ones. */
  snapshot(tab?: DashboardTab): SnapshotBody {
    const metas = this.store.list();
    const known = new Set(metas.map((m) => m.runId));
    this.selected = knownRuns(this.selected, known);
    const budget = budgetFor(this.selected.length);
    const runs = [];
    this.spe.clear();
    this.status.clear();
    for (const id of this.selected) {
      const data = this.store.read(id);
      if (!data) continue;
      const total = data.meta.totalSteps;
      this.status.set(id, data.meta.status);
      this.spe.set(
        id,
        total !== undefined && data.config.train.epochs > 0 ? total / data.config.train.epochs : undefined,
      );
      runs.push(toRunPayload(data, budget));
    }
    return {
      type: 'snapshot',
      allRuns: metas.map((m) => toRunInfo(m)),
      selected: [...this.selected],
      runs,
      ...(tab ? { tab } : {}),
    };
  }

  /** The delta for one store change, 'snapshot' when only a snapshot can express it, or undefined to ignore. */
  deltaFor(change: RunChange): Delta | 'snapshot' | undefined {
    const selected = this.selected.includes(change.runId);
    switch (change.kind) {
      case 'created':
      case 'deleted':
        return 'snapshot';
      case 'updated': {
        const meta = this.store.list().find((m) => m.runId === change.runId);
        if (!meta) return 'snapshot';
        if (selected && !this.spe.get(change.runId) && meta.totalSteps !== undefined) return 'snapshot';
        if (selected && this.status.get(change.runId) !== meta.status) return 'snapshot';
        return { runId: change.runId, info: toRunInfo(meta), curves: {}, frames: [], histograms: [] };
      }
      case 'metrics':
        if (!selected) return undefined;
        return {
          runId: change.runId,
          curves: toCurves([change.record], this.spe.get(change.runId)),
          frames: [],
          histograms: [],
        };
      case 'layers':
        if (!selected) return undefined;
        return {
          runId: change.runId,
          curves: {},
          frames: [toFrame(change.record)],
          histograms: [toHistogramFrame(change.record)],
        };
    }
  }
}
