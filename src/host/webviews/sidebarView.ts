/**
 * The sidebar webview view (snnLab.dashboardView): every run with status, backend, progress, key metric and a loss
 * sparkline; buttons post actions the host turns into commands. Full snapshots only (small), coalesced to ~10/s.
 */
import type * as vscode from 'vscode';
import type { RunId } from '../../protocol/ids';
import type { SidebarRun } from '../../protocol/webview';
import type { RunChange, RunStoreApi } from '../runs/runTypes';
import type { WebviewHostOptions } from './dashboardPanels';
import { webviewHtml, webviewOptions } from './html';
import { BUDGET, toRunInfo, toSidebarRun } from './payload';
import { runSafely, runWebviewAction } from './webviewActions';
import { WebviewChannel } from './webviewChannel';

/** Sidebar rows cached per run, so a progress tick does not re-read every run's files. */
class SidebarRows {
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
    } else if (change.kind !== 'layers') {
      this.rows.delete(change.runId);
    }
  }

  all(): SidebarRun[] {
    const metas = this.store.list();
    const live = new Set(metas.map((m) => m.runId));
    for (const id of this.rows.keys()) if (!live.has(id)) this.rows.delete(id);
    return metas.map((meta) => {
      let entry = this.rows.get(meta.runId);
      if (!entry) {
        const data = this.store.read(meta.runId);
        if (!data) return { info: toRunInfo(meta), spark: [] };
        const losses = data.metrics.flatMap((r) => (r.kind === 'progress' ? [r.loss] : []));
        entry = { row: toSidebarRun(data), losses };
        this.rows.set(meta.runId, entry);
      }
      const step = Math.max(1, Math.ceil(entry.losses.length / BUDGET.sparkPoints));
      const spark = entry.losses.filter((_, i) => i % step === 0 || i === entry.losses.length - 1);
      const row: SidebarRun = { ...entry.row, info: { ...toRunInfo(meta), ...pickConfig(entry.row) }, spark };
      if (meta.progress && !row.keyMetric) row.keyMetric = { name: 'loss', value: meta.progress.loss };
      return row;
    });
  }
}

const pickConfig = (row: SidebarRun): object => (row.info.config ? { config: row.info.config } : {});

export class SidebarView implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'snnLab.dashboardView';
  private channel: WebviewChannel | undefined;
  private readonly rows: SidebarRows;
  private readonly subscription: vscode.Disposable;
  private readonly opts: WebviewHostOptions;

  constructor(opts: WebviewHostOptions) {
    this.opts = opts;
    this.rows = new SidebarRows(opts.store);
    this.subscription = opts.store.onDidChange((change) => {
      this.rows.apply(change);
      this.channel?.invalidate();
    });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.channel?.dispose();
    view.webview.options = webviewOptions(this.opts.extensionUri);
    const channel = new WebviewChannel({
      webview: view.webview,
      view: 'sidebar',
      log: this.opts.log,
      snapshot: () => ({ type: 'sidebarSnapshot', runs: this.rows.all() }),
      onMessage: (m) =>
        runSafely(() => runWebviewAction(m, this.opts.log), this.opts.log, `sidebar action ${m.type}`),
    });
    this.channel = channel;
    view.onDidDispose(() => {
      channel.dispose();
      if (this.channel === channel) this.channel = undefined;
    });
    view.webview.html = webviewHtml(view.webview, this.opts.extensionUri, 'sidebar');
  }

  dispose(): void {
    this.subscription.dispose();
    this.channel?.dispose();
    this.channel = undefined;
  }
}
