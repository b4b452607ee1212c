/**
 * The dashboard editor tab (viewType snnLab.dashboard): one panel showing the compared runs, fed from the run store
 * through a WebviewChannel, restored after a window reload by a WebviewPanelSerializer. Owns no chart logic.
 */
import * as vscode from 'vscode';
import type { RunId } from '../../protocol/ids';
import { isRunId } from '../../protocol/ids';
import type { DashboardTab, WebviewToHost } from '../../protocol/webview';
import { DASHBOARD_TABS } from '../../protocol/webview';
import type { RunManagerApi, RunStoreApi } from '../../runs/runTypes';
import { RESTRICTED_MODE_TEXT } from '../contributionIds';
import type { ExportFolder } from '../exportFolder';
import type { QueueContext } from '../runLabels';
import { CURVE_CACHE_WRITE_DELAY_MS, CurveCache } from './curveCache';
import { DashboardFeed, statisticsTab } from './dashboardFeed';
import { FirstSnapshotFiles } from './firstSnapshotFile';
import type { RunColors } from './runColors';
import { StudyFeed } from './studyFeed';
import { webviewHtml, webviewOptions } from './html';
import { runSafely, runWebviewAction } from './webviewActions';
import { WebviewChannel } from './webviewChannel';

/** Constructor options shared by DashboardPanels and SidebarView. */
export interface WebviewHostOptions {
  extensionUri: vscode.Uri;
  store: RunStoreApi;
  runs: RunManagerApi;
  log: vscode.LogOutputChannel;
  /** Run colour slots shared by the sidebar and the dashboard (absent: the webviews derive them from run ids). */
  colors?: RunColors;
  /** Why queued runs wait (the sidebar's detail line). */
  queue?: () => QueueContext;
  /** Where saved charts and series go (last folder used). */
  exports?: ExportFolder;
  /**
   * The folder of reopened dashboards' first-snapshot scripts (firstSnapshotFile.ts), a webview resource root; absent:
   * a reopened dashboard asks for its snapshot after booting, as a new one does.
   */
  firstSnapshots?: vscode.Uri;
  /**
   * The folder of the dashboard's curve cache (curveCache.ts): compared runs' curves as last read, so a first open
   * in a later session reads only what metrics.jsonl gained since; absent: every first open reads the whole files.
   */
  curveCache?: vscode.Uri;
}

/** What the dashboard webview persists with setState (and the serializer gets back after a reload). */
export interface DashboardState {
  selected: RunId[];
  tab?: DashboardTab;
}

/** Reads a persisted state defensively: it comes from the webview. */
export function parseDashboardState(value: unknown): DashboardState {
  const out: DashboardState = { selected: [] };
  if (typeof value !== 'object' || value === null) return out;
  const v = value as { selected?: unknown; tab?: unknown };
  if (Array.isArray(v.selected)) {
    for (const id of v.selected) {
      if (isRunId(id)) out.selected.push(id);
    }
  }
  if ((DASHBOARD_TABS as readonly unknown[]).includes(v.tab)) out.tab = v.tab as DashboardTab;
  return out;
}

interface Open {
  panel: vscode.WebviewPanel;
  channel: WebviewChannel;
  disposables: vscode.Disposable[];
}

export class DashboardPanels implements vscode.Disposable {
  static readonly viewType = 'snnLab.dashboard';
  private current: Open | undefined;
  private readonly feed: DashboardFeed;
  private readonly studies: StudyFeed;
  private tab: DashboardTab | undefined;
  private readonly subscription: vscode.Disposable;
  private readonly opts: WebviewHostOptions;
  private readonly firstFiles: FirstSnapshotFiles | undefined;

  constructor(opts: WebviewHostOptions) {
    this.opts = opts;
    this.firstFiles = opts.firstSnapshots && new FirstSnapshotFiles(opts.firstSnapshots.fsPath);
    void this.firstFiles
      ?.removeStale()
      .catch((error: unknown) =>
        opts.log.warn(`dashboard: cannot tidy ${opts.firstSnapshots?.fsPath}: ${String(error)}`),
      );
    const curveCache =
      opts.curveCache &&
      new CurveCache(opts.curveCache.fsPath, {
        log: (message) => opts.log.warn(`dashboard: ${message}`),
        writeDelayMs: CURVE_CACHE_WRITE_DELAY_MS,
      });
    this.feed = new DashboardFeed(opts.store, curveCache ? { curveCache } : {});
    this.studies = new StudyFeed(opts.store);
    // The feed follows every change (cheap for runs that are not compared), so a reopened dashboard is current.
    this.subscription = vscode.Disposable.from(
      opts.store.onDidChange((change) => this.feed.apply(change)),
      // Granting trust brings back the process actions (Stop): the webview gets a snapshot without `restricted`.
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.current?.channel.invalidate()),
    );
  }

  /** Shows the dashboard for `runIds` (default: the current selection, else the latest runs), on `tab`. */
  open(runIds?: RunId[], tab?: DashboardTab): void {
    if (runIds !== undefined || this.feed.selection.length === 0) this.feed.select(runIds);
    if (tab) this.tab = tab;
    // Read what the first view shows while the webview boots; its `ready` then finds it loaded.
    this.feed
      .open(this.tab)
      .catch((error: unknown) => this.opts.log.warn(`dashboard: cannot load runs: ${String(error)}`));
    if (this.current) {
      this.current.panel.reveal();
      this.current.channel.invalidate();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      DashboardPanels.viewType,
      'SNN Lab Dashboard',
      vscode.ViewColumn.Active,
      this.webviewOptions(),
    );
    this.adopt(panel);
  }

  /**
   * Shows `runId` in the dashboard without dropping the runs compared there (a click in the Runs tree): opens the
   * dashboard for it when none is open, else adds it to the comparison if missing and reveals the panel, keeping
   * the focus where it was. Replacing the comparison stays explicit (Open Dashboard, Compare Runs, the picker).
   */
  reveal(runId: RunId): void {
    if (!this.current) {
      this.open([runId]);
      return;
    }
    if (!this.feed.selection.includes(runId)) {
      this.feed.changeSelection([...this.feed.selection, runId]).catch((error: unknown) => {
        this.opts.log.error(`dashboard: cannot load ${runId}: ${String(error)}`);
        this.current?.channel.invalidate();
      });
    }
    this.current.panel.reveal(undefined, true);
  }

  /** The runs the open dashboard compares (empty when none is open). */
  get compared(): readonly RunId[] {
    return this.current ? this.feed.selection : [];
  }

  /** Restores dashboards after a window reload; register once (helper D pushes it into subscriptions). */
  registerSerializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(DashboardPanels.viewType, {
      deserializeWebviewPanel: (panel, state) => {
        const restored = parseDashboardState(state);
        if (this.current) {
          panel.dispose();
          return Promise.resolve();
        }
        this.feed.select(restored.selected);
        this.tab = restored.tab;
        panel.webview.options = this.webviewOptions();
        this.adopt(panel);
        return Promise.resolve();
      },
    });
  }

  private webviewOptions(): vscode.WebviewOptions {
    return webviewOptions(this.opts.extensionUri, this.opts.firstSnapshots ? [this.opts.firstSnapshots] : []);
  }

  dispose(): void {
    this.subscription.dispose();
    this.current?.panel.dispose();
    this.current = undefined;
  }

  private adopt(panel: vscode.WebviewPanel): void {
    const { log } = this.opts;
    const files = this.firstFiles;
    /** The first-snapshot script this panel's HTML loads, until its page said `ready` (or the panel went). */
    let firstFile: string | undefined;
    const dropFirst = (): void => {
      if (files && firstFile !== undefined) void files.remove(firstFile).catch(() => undefined);
      firstFile = undefined;
    };
    const channel = new WebviewChannel({
      webview: panel.webview,
      view: 'dashboard',
      log,
      snapshot: async () => {
        // Tabs that draw no statistics open from infos and curves; the statistics follow (afterSnapshot).
        const body = await this.feed.snapshot(this.tab, {
          statisticsLater: !statisticsTab(this.tab),
          afterDrawn: true,
        });
        if (body.type === 'snapshot') {
          this.opts.colors?.paint([...body.allRuns, ...body.runs.map((r) => r.info)]);
        }
        return vscode.workspace.isTrusted ? body : { ...body, restricted: RESTRICTED_MODE_TEXT };
      },
      onMessage: (m) => this.onMessage(m),
      onReady: dropFirst,
      afterSnapshot: () => this.feed.takeLater(),
    });
    const colors = this.opts.colors;
    this.feed.attach({
      append: (delta) => {
        if (delta.info) colors?.paintSome([delta.info]);
        channel.append(delta);
      },
      queue: (body) => {
        if (body.type === 'runs') colors?.paintSome(body.upsert);
        if (body.type === 'selection') colors?.paintSome(body.runs.map((r) => r.info));
        channel.queue(body);
      },
    });
    const disposables: vscode.Disposable[] = [channel];
    let gone = false;
    disposables.push(
      panel.onDidDispose(() => {
        gone = true;
        dropFirst();
        for (const d of disposables) d.dispose();
        if (this.current?.panel === panel) {
          this.current = undefined;
          this.feed.attach(undefined);
        }
      }),
    );
    panel.iconPath = vscode.Uri.joinPath(this.opts.extensionUri, 'media', 'snn-lab.svg');
    const html = (firstScript?: vscode.Uri): string =>
      webviewHtml(panel.webview, this.opts.extensionUri, 'dashboard', firstScript);
    if (files && this.feed.cached(this.tab)) {
      // Reopened: the snapshot comes from the caches (~10 ms for 100 runs) and travels as a script beside the bundle,
      // so the page draws it as soon as its bundle runs instead of asking for it after booting (docs/dashboard.md).
      void channel
        .firstSnapshot()
        .then(async (first) => (first && !gone ? files.write(first) : undefined))
        .then(
          (written) => {
            if (gone) {
              if (written) void files.remove(written.path).catch(() => undefined);
              return;
            }
            firstFile = written?.path;
            panel.webview.html = html(written && vscode.Uri.file(written.path));
          },
          (error: unknown) => {
            log.warn(`dashboard: cannot embed the first snapshot: ${String(error)}`);
            if (!gone) panel.webview.html = html();
          },
        );
    } else panel.webview.html = html();
    this.current = { panel, channel, disposables };
  }

  private onMessage(m: WebviewToHost): void {
    const channel = this.current?.channel;
    if (m.type === 'selectRuns') {
      this.feed.changeSelection(m.runIds).catch((error: unknown) => {
        this.opts.log.error(`dashboard: cannot load the selected runs: ${String(error)}`);
        channel?.invalidate();
      });
    } else if (m.type === 'tabChanged') {
      this.tab = m.tab;
    } else if (m.type === 'drawn') {
      this.feed.pageDrew();
    } else if (m.type === 'requestStudy') {
      channel?.post(this.studies.study(m.file));
    } else if (m.type === 'requestPredictions') {
      channel?.post(this.studies.predictions(m.runIds));
    } else {
      runSafely(
        () => runWebviewAction(m, this.opts.log, this.opts.exports),
        this.opts.log,
        `dashboard action ${m.type}`,
      );
    }
  }
}
