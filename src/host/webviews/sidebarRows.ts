/**
 * The sidebar's rows, cached per run and built from run overviews (meta, summary, a loss sample: never the
 * statistics file); store changes mark rows dirty, and the sidebar is sent only the rows that changed. A queued
 * row says why it waits (`detail`), so it is re-sent whenever another row changes. The first snapshot can read the
 * overviews of the first screen only (`all(readFirst)`), the rest following as updates (`loadRest`). Pure (no
 * vscode): the fixture recorder and unit tests use it directly.
 */
import type { RunId } from '../../protocol/ids';
import type { SidebarRun } from '../../protocol/webview';
import type { Metrics } from '../../protocol/stats';
import { experimentOf, labelsByExperiment } from '../../core/runNames';
import { evenIndices } from '../../core/series';
import type { RunChange, RunMeta, RunStoreApi } from '../../runs/runTypes';
import { queueReason, type QueueContext } from '../runLabels';
import { BUDGET, toSidebarRun } from './payload';

interface Entry {
  row: SidebarRun;
  status: RunMeta['status'];
  /** Training losses: the overview's sample, then every live progress report (thinned when long). */
  losses: number[];
  lastEpoch?: Metrics;
  /** False while the row is built from meta.json alone (its overview not read yet: no sparkline, no summary). */
  read: boolean;
}

/** Rows whose overviews the sidebar's first snapshot reads (a tall sidebar shows ~12); loadRest reads the rest. */
export const FIRST_SCREEN_ROWS = 40;

/**
 * Runs in the order the sidebar shows them: grouped by experiment, the group with the newest run first, newest
 * first within a group (webview/sidebar/main.ts). `metas` is the store's order, oldest first.
 */
export function displayOrder(metas: readonly RunMeta[]): RunMeta[] {
  const groups = new Map<string, RunMeta[]>();
  for (let i = metas.length - 1; i >= 0; i--) {
    const meta = metas[i] as RunMeta;
    const experiment = experimentOf(meta.name);
    let list = groups.get(experiment);
    if (!list) groups.set(experiment, (list = []));
    list.push(meta);
  }
  return [...groups.values()].flat();
}

/** Live losses kept per row before they are thinned to half (a sparkline shows 48). */
const MAX_LOSSES = 4 * BUDGET.sparkPoints;

export class SidebarRows {
  private readonly rows = new Map<RunId, Entry>();
  private readonly dirty = new Set<RunId>();
  private readonly removed = new Set<RunId>();
  private loading: Promise<void> | undefined;
  /** Each run's label among all listed runs (the page shows it); relabelled when runs come, go or change. */
  private labels = new Map<string, string>();
  private labelsStale = true;
  /** The runs (id, name, creation time) the labels were made for: a snapshot of the same runs keeps them. */
  private labelledFor = '';

  /** `queue` says why queued runs wait (their row's detail line). */
  constructor(
    private readonly store: RunStoreApi,
    private readonly queue?: () => QueueContext,
  ) {}

  /** Notes a store change; returns true when a row changed (the owner then schedules an update). */
  apply(change: RunChange): boolean {
    const { runId } = change;
    switch (change.kind) {
      case 'deleted':
        this.labelsStale = true;
        this.rows.delete(runId);
        this.dirty.delete(runId);
        this.removed.add(runId);
        return true;
      case 'created':
      case 'updated':
        this.labelsStale = true;
        this.removed.delete(runId);
        this.dirty.add(runId);
        return true;
      case 'metrics': {
        const entry = this.rows.get(runId);
        if (!entry) return false;
        const record = change.record;
        if (record.kind === 'progress') {
          entry.losses.push(record.loss);
          if (entry.losses.length > MAX_LOSSES) {
            entry.losses = evenIndices(entry.losses.length, MAX_LOSSES / 2).map(
              (i) => entry.losses[i] as number,
            );
          }
        } else entry.lastEpoch = record.metrics;
        this.dirty.add(runId);
        return true;
      }
      case 'layers':
        return false;
    }
  }

  /**
   * Every row, in the store's order (oldest first). Overviews not cached yet are read for the first `readFirst`
   * rows in display order (all by default); the other rows carry meta.json's fields until loadRest reads them.
   */
  all(readFirst = Number.POSITIVE_INFINITY): SidebarRun[] {
    const metas = this.store.list();
    const live = new Set(metas.map((m) => m.runId));
    for (const id of this.rows.keys()) if (!live.has(id)) this.rows.delete(id);
    this.relabel(metas);
    this.dirty.clear();
    this.removed.clear();
    const first =
      readFirst >= metas.length
        ? undefined
        : new Set(
            displayOrder(metas)
              .slice(0, Math.max(0, readFirst))
              .map((m) => m.runId),
          );
    return metas.map((meta) => this.row(meta, first === undefined || first.has(meta.runId)));
  }

  /**
   * Reads the overviews all(readFirst) left out, in display order, in slices of ~15 ms that yield to the event loop;
   * the rows read are marked changed and `onSlice` is called after each slice (the owner then sends them). One load
   * at a time: a call while one runs returns it.
   */
  loadRest(onSlice: () => void): Promise<void> {
    // `finally` runs after the assignment even when nothing is left to read.
    this.loading ??= this.readRest(onSlice).finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async readRest(onSlice: () => void): Promise<void> {
    const ids = displayOrder(this.store.list()).map((m) => m.runId);
    let slice = Number.NEGATIVE_INFINITY;
    for (const id of ids) {
      if (performance.now() - slice > 15) {
        if (slice > Number.NEGATIVE_INFINITY) onSlice();
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
      const entry = this.rows.get(id);
      const meta = entry && !entry.read ? this.store.readMeta(id) : undefined;
      if (!meta) continue;
      this.row(meta, true);
      this.dirty.add(id);
    }
    onSlice();
  }

  /** The rows that changed since the last call (or all()), and the runs deleted; undefined when nothing did. */
  takeUpdate(): { upsert: SidebarRun[]; removed: RunId[] } | undefined {
    // A run that came, went or was renamed can change the labels of the others in its experiment: their rows too.
    if (this.labelsStale) this.relabel(this.store.list());
    if (this.dirty.size === 0 && this.removed.size === 0) return undefined;
    // Why a queued run waits depends on the other runs (how many run now).
    for (const [id, entry] of this.rows) if (entry.status === 'queued') this.dirty.add(id);
    const upsert = [...this.dirty].flatMap((id) => {
      const meta = this.store.readMeta(id);
      return meta ? [this.row(meta)] : [];
    });
    const removed = [...this.removed];
    this.dirty.clear();
    this.removed.clear();
    return { upsert, removed };
  }

  /** Labels every listed run; a row whose label changed is marked changed. */
  private relabel(metas: readonly RunMeta[]): void {
    this.labelsStale = false;
    const key = metas.map((m) => `${m.runId}\u0000${m.name}\u0000${m.createdAt}`).join('\n');
    if (key === this.labelledFor) return;
    this.labelledFor = key;
    const next = labelsByExperiment(
      metas.map((m) => ({ runId: m.runId, name: m.name, createdAt: m.createdAt })),
    );
    for (const [id, label] of next) {
      if (this.labels.get(id) !== label && this.rows.has(id as RunId)) this.dirty.add(id as RunId);
    }
    this.labels = next;
  }

  /** The row of `meta`; `read` false builds a row not cached yet from meta alone (its overview read later). */
  private row(meta: RunMeta, read = true): SidebarRun {
    let entry = this.rows.get(meta.runId);
    // A status change (e.g. finished: the summary now exists) is the one meta update that re-reads the run.
    if (!entry || entry.status !== meta.status || (read && !entry.read)) {
      const overview = (read ? this.store.overview(meta.runId, meta) : undefined) ?? { meta, losses: [] };
      entry = {
        row: toSidebarRun(overview),
        status: meta.status,
        losses: [...overview.losses],
        ...(overview.lastEpoch ? { lastEpoch: overview.lastEpoch } : {}),
        read,
      };
      this.rows.set(meta.runId, entry);
    }
    const summary = entry.row.info.summary;
    const row = toSidebarRun({
      meta,
      ...(summary ? { summary } : {}),
      ...(entry.lastEpoch ? { lastEpoch: entry.lastEpoch } : {}),
      losses: entry.losses,
    });
    const waiting = queueReason(meta, this.queue?.());
    if (waiting) row.detail = waiting;
    const label = this.labels.get(meta.runId);
    if (label !== undefined) row.label = label;
    entry.row = row;
    return row;
  }
}
