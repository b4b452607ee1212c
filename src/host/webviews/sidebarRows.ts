/**
 * The sidebar's rows, cached per run so a progress tick does not re-read every run's files; built from the run
 * store and its change events. Pure (no vscode): the fixture recorder and unit tests use it directly.
 */
import type { RunId } from '../../protocol/ids';
import type { SidebarRun } from '../../protocol/webview';
import type { RunChange, RunStoreApi } from '../../runs/runTypes';
import { BUDGET, toRunInfo, toSidebarRun } from './payload';

export class SidebarRows {
  private readonly rows = new Map<RunId, { row: SidebarRun; losses: number[] }>();
  private readonly store: RunStoreApi;

  constructor(store: RunStoreApi) {
    this.store = store;
  }

  apply(change: RunChange): void {
    const cached = this.rows.get(change.runId);
    if (change.kind === 'metrics' && cached) {
      if (change.record.kind === 'progress') cached.losses.push(change.record.loss);
      else this.rows.delete(change.runId);
    } else if (change.kind === 'created' || change.kind === 'deleted') {
      this.rows.delete(change.runId);
    }
  }

  all(): SidebarRun[] {
    const metas = this.store.list();
    const live = new Set(metas.map((m) => m.runId));
    for (const id of this.rows.keys()) if (!live.has(id)) this.rows.delete(id);
    return metas.map((meta) => {
      let entry = this.rows.get(meta.runId);
      // A status change (e.g. finished: the summary now exists) is the one meta update that changes the row.
      if (!entry || entry.row.info.status !== meta.status) {
        const data = this.store.read(meta.runId);
        if (!data) return { info: toRunInfo(meta), spark: [] };
        const losses = data.metrics.flatMap((r) => (r.kind === 'progress' ? [r.loss] : []));
        entry = { row: { ...toSidebarRun(data), info: toRunInfo(data.meta) }, losses };
        this.rows.set(meta.runId, entry);
      }
      const step = Math.max(1, Math.ceil(entry.losses.length / BUDGET.sparkPoints));
      const spark = entry.losses.filter((_, i) => i % step === 0 || i === entry.losses.length - 1);
      const row: SidebarRun = { ...entry.row, info: toRunInfo(meta), spark };
      if (meta.progress && !row.keyMetric) row.keyMetric = { name: 'loss', value: meta.progress.loss };
      return row;
    });
  }
}
