/**
 * The sidebar webview view (snnLab.dashboardView): every run with status, backend, progress, key metric and a loss
 * sparkline; buttons post actions the host turns into commands. A snapshot when the view (re)loads, then only the
 * rows that changed (`sidebarUpdate`), coalesced to ~10/s, so a live run never makes every row rebuild.
 */
import * as vscode from 'vscode';
import { RESTRICTED_MODE_TEXT } from '../contributionIds';
import type { WebviewHostOptions } from './dashboardPanels';
import { webviewHtml, webviewOptions } from './html';
import { FIRST_SCREEN_ROWS, SidebarRows } from './sidebarRows';
import { runSafely, runWebviewAction } from './webviewActions';
import { WebviewChannel } from './webviewChannel';

export class SidebarView implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'snnLab.dashboardView';
  private channel: WebviewChannel | undefined;
  private readonly rows: SidebarRows;
  private readonly subscription: vscode.Disposable;
  private readonly opts: WebviewHostOptions;

  constructor(opts: WebviewHostOptions) {
    this.opts = opts;
    this.rows = new SidebarRows(opts.store, opts.queue);
    this.subscription = vscode.Disposable.from(
      opts.store.onDidChange((change) => {
        if (this.rows.apply(change)) this.channel?.poke();
      }),
      // Granting trust brings back Stop: a snapshot without `restricted`.
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.channel?.invalidate()),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.channel?.dispose();
    view.webview.options = webviewOptions(this.opts.extensionUri);
    const channel = new WebviewChannel({
      webview: view.webview,
      view: 'sidebar',
      log: this.opts.log,
      snapshot: () => {
        // Every row, with the overviews (sparkline, summary) of the first screen's; the others follow as updates.
        const runs = this.rows.all(FIRST_SCREEN_ROWS);
        this.rows
          .loadRest(() => this.channel?.poke())
          .catch((error: unknown) =>
            this.opts.log.error(`sidebar: cannot read run overviews: ${String(error)}`),
          );
        this.opts.colors?.paint(runs.map((r) => r.info));
        return {
          type: 'sidebarSnapshot',
          runs,
          ...(vscode.workspace.isTrusted ? {} : { restricted: RESTRICTED_MODE_TEXT }),
        };
      },
      pending: () => {
        const update = this.rows.takeUpdate();
        if (!update) return [];
        this.opts.colors?.paintSome(update.upsert.map((r) => r.info));
        return [{ type: 'sidebarUpdate', ...update }];
      },
      onMessage: (m) =>
        runSafely(
          () => runWebviewAction(m, this.opts.log, this.opts.exports),
          this.opts.log,
          `sidebar action ${m.type}`,
        ),
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
