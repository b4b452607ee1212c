/**
 * The "Runs" tree (view snnLab.runs): runs grouped by experiment file, newest first, with status icons and
 * progress; multi-select feeds Compare Runs. Refreshes (throttled) when the run store changes.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import { EXPERIMENT_ITEM_CONTEXT, VIEW_IDS } from '../contributionIds';
import { shortLabels } from '../../core/runNames';
import { groupByExperiment, runLook } from '../runLabels';
import type { RunMeta, RunStoreApi } from '../../runs/runTypes';

export type RunsNode =
  | { kind: 'experiment'; experiment: string; runs: RunMeta[] }
  /** `label`: the run's short label among its experiment's runs (what sets it apart; full name in the tooltip). */
  | { kind: 'run'; meta: RunMeta; label: string };

const REFRESH_MS = 400;

export class RunsTreeProvider extends Disposable implements vscode.TreeDataProvider<RunsNode> {
  private readonly changed = this._register(new vscode.EventEmitter<RunsNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private timer: NodeJS.Timeout | undefined;
  readonly view: vscode.TreeView<RunsNode>;

  constructor(private readonly store: RunStoreApi) {
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
        if (change.kind !== 'metrics' && change.kind !== 'layers') this.refreshSoon();
      }),
    );
    this._register({ dispose: () => this.timer && clearTimeout(this.timer) });
  }

  /** Re-reads the store now. */
  refresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.changed.fire(undefined);
  }

  private refreshSoon(): void {
    this.timer ??= setTimeout(() => this.refresh(), REFRESH_MS);
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
    const look = runLook(node.meta, Date.now(), node.label);
    const item = new vscode.TreeItem(look.label, vscode.TreeItemCollapsibleState.None);
    item.id = node.meta.runId;
    item.description = look.description;
    item.tooltip = look.tooltip;
    item.iconPath = new vscode.ThemeIcon(
      look.icon.id,
      look.icon.color ? new vscode.ThemeColor(look.icon.color) : undefined,
    );
    item.contextValue = look.contextValue;
    item.command = { command: 'snnLab.openDashboard', title: 'Open Dashboard', arguments: [node.meta.runId] };
    return item;
  }

  /** Run ids selected in the tree (for commands invoked from the palette while the view has a selection). */
  selectedRunIds(): string[] {
    return this.view.selection.flatMap((n) =>
      n.kind === 'run' ? [n.meta.runId] : n.runs.map((r) => r.runId),
    );
  }
}
