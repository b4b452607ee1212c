/**
 * The "Runs" tree (view snnLab.runs): runs grouped by experiment file, newest first, with status icons and
 * progress; multi-select feeds Compare Runs; a click reveals the run in the dashboard without dropping the runs
 * compared there. Refreshes (throttled) when the run store changes, on progress at most once a second, and every
 * 10 s for the relative times, only while the view is visible.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import { EXPERIMENT_ITEM_CONTEXT, RESTRICTED_MODE_TEXT, VIEW_IDS } from '../contributionIds';
import { shortLabels } from '../../core/runNames';
import { groupByExperiment, runLook, type QueueContext } from '../runLabels';
import type { RunMeta, RunStoreApi } from '../../runs/runTypes';

export type RunsNode =
  | { kind: 'experiment'; experiment: string; runs: RunMeta[] }
  /** `label`: the run's short label among its experiment's runs (what sets it apart; full name in the tooltip). */
  | { kind: 'run'; meta: RunMeta; label: string };

const REFRESH_MS = 400;
/** Progress reports arrive every ~100 ms per run; the tree shows them at most this often. */
const PROGRESS_REFRESH_MS = 1000;
/** Relative times count seconds in steps of 10 (runLabels.formatAge). */
const TICK_MS = 10_000;

export interface RunsTreeOptions {
  /** Why queued runs wait (running count and limit), for their description. */
  queue?: () => QueueContext;
}

export class RunsTreeProvider extends Disposable implements vscode.TreeDataProvider<RunsNode> {
  private readonly changed = this._register(new vscode.EventEmitter<RunsNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private timer: NodeJS.Timeout | undefined;
  private lastRefresh = 0;
  private missed = false;
  readonly view: vscode.TreeView<RunsNode>;

  constructor(
    private readonly store: RunStoreApi,
    private readonly options: RunsTreeOptions = {},
  ) {
    super();
    this.view = this._register(
      vscode.window.createTreeView(VIEW_IDS.runs, {
        treeDataProvider: this,
        canSelectMany: true,
        showCollapseAll: true,
      }),
    );
    this._register(
      store.onDidChange((change) => {
        if (change.kind === 'layers') return;
        if (change.kind === 'metrics') {
          if (change.record.kind === 'progress') this.refreshSoon(PROGRESS_REFRESH_MS);
        } else this.refreshSoon(REFRESH_MS);
      }),
    );
    // Restricted Mode: say above the runs what works (Stop and Delete are hidden by their when clauses).
    if (!vscode.workspace.isTrusted) this.view.message = RESTRICTED_MODE_TEXT;
    this._register(
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.view.message = undefined;
        this.refresh();
      }),
    );
    const tick = setInterval(() => {
      if (this.view.visible) this.refresh();
    }, TICK_MS);
    this._register({ dispose: () => clearInterval(tick) });
    this._register(
      this.view.onDidChangeVisibility((e) => {
        if (e.visible && this.missed) this.refresh();
      }),
    );
    this._register({ dispose: () => this.timer && clearTimeout(this.timer) });
  }

  /** Re-reads the store now (a hidden view only remembers that it missed something). */
  refresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.view.visible) {
      this.missed = true;
      return;
    }
    this.missed = false;
    this.lastRefresh = Date.now();
    this.changed.fire(undefined);
  }

  /** Refreshes after `gap` ms since the last refresh (coalescing everything in between). */
  private refreshSoon(gap: number): void {
    if (this.timer) return;
    const wait = Math.max(REFRESH_MS, this.lastRefresh + gap - Date.now());
    this.timer = setTimeout(() => this.refresh(), wait);
  }

  getChildren(node?: RunsNode): RunsNode[] {
    if (!node) {
      return groupByExperiment(this.store.list()).map((g) => ({ kind: 'experiment', ...g }));
    }
    if (node.kind !== 'experiment') return [];
    const labels = shortLabels(node.runs);
    return node.runs.map((meta, i) => ({ kind: 'run', meta, label: labels[i] ?? meta.name }));
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    if (node.kind === 'experiment') {
      const item = new vscode.TreeItem(
        path.basename(node.experiment),
        vscode.TreeItemCollapsibleState.Expanded,
      );
      item.id = `experiment:${node.experiment}`;
      item.description = `${node.runs.length} run${node.runs.length === 1 ? '' : 's'}`;
      item.tooltip = node.experiment;
      item.resourceUri = vscode.Uri.file(node.experiment);
      item.iconPath = new vscode.ThemeIcon('beaker');
      item.contextValue = EXPERIMENT_ITEM_CONTEXT;
      return item;
    }
    const look = runLook(node.meta, Date.now(), node.label, this.options.queue?.());
    const item = new vscode.TreeItem(look.label, vscode.TreeItemCollapsibleState.None);
    item.id = node.meta.runId;
    item.description = look.description;
    item.tooltip = look.tooltip;
    item.iconPath = new vscode.ThemeIcon(
      look.icon.id,
      look.icon.color ? new vscode.ThemeColor(look.icon.color) : undefined,
    );
    item.contextValue = look.contextValue;
    item.command = { command: 'snnLab.revealRun', title: 'Show in Dashboard', arguments: [node.meta.runId] };
    return item;
  }

  /** Run ids selected in the tree (for commands invoked from the palette while the view has a selection). */
  selectedRunIds(): string[] {
    return this.view.selection.flatMap((n) =>
      n.kind === 'run' ? [n.meta.runId] : n.runs.map((r) => r.runId),
    );
  }
}
