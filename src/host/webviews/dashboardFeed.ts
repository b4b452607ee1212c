/**
 * The dashboard's view of the run store. It keeps each compared run's series in wire form (RunSeries), loads a run
 * once (a bounded sample of its statistics, in slices) and then follows it record by record; a snapshot assembles
 * cached payloads and never re-reads a file. Changes become small messages: `appended` for new records of compared
 * runs, `runs` for runs created or deleted anywhere, `selection` when runs join or leave the comparison. A run that
 * is not compared costs one info update per meta.json change. Pure (no vscode): unit tests drive it with a real
 * RunStore on a temp directory.
 */
import type { RunId } from '../../protocol/ids';
import type { DashboardTab, RunPayload } from '../../protocol/webview';
import type { RunChange, RunMeta, RunStoreApi } from '../../runs/runTypes';
import type { CurveCache } from './curveCache';
import { budgetFor, knownRuns, toListedRunInfo, type RunBudget } from './payload';
import { RunSeries } from './runSeries';
import type { Delta, QueuedBody, SnapshotBody } from './webviewChannel';

/** How many runs a dashboard opened without a selection shows: the most recent ones. */
export const DEFAULT_SELECTION = 2;
/** Most runs compared at once (the webview protocol's limit for a selection). */
export const MAX_SELECTED = 256;
/** Caches of runs no longer compared kept for a quick reopen (each shrunk to the smallest budget). */
const IDLE_CACHES = 128;
/** How long statistics left for later wait for the page's `drawn` before they are read anyway (a page that never paints). */
const DRAWN_WAIT_MS = 3000;

/** Tabs that draw the runs' statistics (frames, histograms): a snapshot for them carries the statistics. */
export function statisticsTab(tab: DashboardTab | undefined): boolean {
  return tab === 'layers' || tab === 'distributions' || tab === 'fixedPoint';
}

/** Where the feed sends what changed: the open dashboard's channel. */
export interface FeedSink {
  append(delta: Delta): void;
  queue(body: QueuedBody): void;
}

export class DashboardFeed {
  private selected: RunId[] = [];
  /** No explicit choice: the latest runs are shown and every new run joins. */
  private auto = true;
  /** Series caches, least recently used first. */
  private readonly caches = new Map<RunId, RunSeries>();
  /** Compared runs whose payload the webview holds (deltas go only to these). */
  private sent = new Set<RunId>();
  private sink: FeedSink | undefined;
  /** Statistics a snapshot left out, to follow it (snapshot's `statisticsLater`): ready, or still loading. */
  private later: Delta[] | Promise<Delta[]> = [];
  /**
   * Compared runs whose statistics the page gets with {@link later} (they were still loading at the snapshot): their
   * new layer records are not sent on their own, the cache keeps them and `later` carries them, in step order.
   */
  private statisticsPending = new Set<RunId>();
  /** Counts snapshots: a `later` of an older snapshot is dropped. */
  private generation = 0;
  /** Lets the statistics read of the last `afterDrawn` snapshot start (the page's `drawn`, or the time-out). */
  private releaseDrawn: (() => void) | undefined;

  constructor(
    private readonly store: RunStoreApi,
    private readonly options: { drawnWaitMs?: number; curveCache?: CurveCache } = {},
  ) {}

  get selection(): readonly RunId[] {
    return this.selected;
  }

  /** Connects the open dashboard (or none); a new webview starts from a snapshot. */
  attach(sink: FeedSink | undefined): void {
    this.sink = sink;
    this.sent.clear();
  }

  /** Sets the compared runs (unknown ids dropped); no ids picks the most recent runs and follows new ones. */
  select(ids: readonly RunId[] | undefined): void {
    const metas = this.store.list();
    this.auto = ids === undefined || ids.length === 0;
    const next = this.auto
      ? metas.slice(-DEFAULT_SELECTION).map((m) => m.runId)
      : knownRuns(ids ?? [], new Set(metas.map((m) => m.runId))).slice(0, MAX_SELECTED);
    const previous = this.selected;
    this.selected = next;
    for (const id of previous) if (!next.includes(id)) this.idle(id);
    this.sent.clear();
  }

  /**
   * The user picked runs in the dashboard: loads the new ones and queues a `selection` message with their
   * payloads only (the runs the webview holds stay as they are).
   */
  async changeSelection(ids: readonly RunId[]): Promise<void> {
    const known = new Set(this.store.list().map((m) => m.runId));
    const next = knownRuns(ids, known).slice(0, MAX_SELECTED);
    const previous = this.selected;
    this.auto = false;
    this.selected = next;
    for (const id of previous) if (!next.includes(id)) this.idle(id);
    await this.sendNew();
  }

  /** Reads the curves of every compared run the caches do not cover yet (their statistics load on). */
  private async warmCurves(): Promise<void> {
    for (;;) {
      const budget = budgetFor(this.selected.length);
      const missing = this.selected.find((id) => !this.cache(id)?.hasCurves);
      if (missing === undefined) return;
      const series = this.cache(missing);
      if (series) await series.loadCurves(budget);
      else this.selected = this.selected.filter((id) => id !== missing);
    }
  }

  /**
   * What a dashboard opening on `tab` reads while its webview boots: everything for a tab that draws statistics; for
   * another, the curves only, so the first view's read and paint have the CPU to themselves (the statistics are read
   * after the page's `drawn`, see {@link snapshot}'s `afterDrawn`).
   */
  async open(tab?: DashboardTab): Promise<void> {
    if (statisticsTab(tab)) await this.warm();
    else await this.warmCurves();
  }

  /** The page drew and painted the last snapshot (its `drawn` message): what that snapshot left out is read now. */
  pageDrew(): void {
    this.releaseDrawn?.();
  }

  /** Resolves at the page's next `drawn` or after DRAWN_WAIT_MS, whichever comes first (an earlier wait is let go). */
  private untilDrawn(): Promise<void> {
    this.releaseDrawn?.();
    return new Promise((resolve) => {
      const release = (): void => {
        clearTimeout(timer);
        if (this.releaseDrawn === release) this.releaseDrawn = undefined;
        resolve();
      };
      const timer = setTimeout(release, this.options.drawnWaitMs ?? DRAWN_WAIT_MS);
      this.releaseDrawn = release;
    });
  }

  /**
   * Loads every compared run the caches do not cover yet (in slices that yield to the event loop): first every
   * run's curves, then the statistics, so a snapshot for the Curves tab waits only for metrics.jsonl (~15 % of the
   * time). A dashboard opening on a statistics tab calls it ({@link open}), so the files are read while the webview
   * boots; snapshot() awaits the same loads.
   */
  async warm(): Promise<void> {
    await this.warmCurves();
    for (;;) {
      const budget = budgetFor(this.selected.length);
      const missing = this.selected.find((id) => !this.cache(id)?.covers(budget));
      if (missing === undefined) return;
      const series = this.cache(missing);
      if (series) await series.load(budget);
      else this.selected = this.selected.filter((id) => id !== missing);
    }
  }

  /**
   * A full snapshot body: every run's info, and cached payloads of the compared ones (loaded first if needed).
   * `statisticsLater` leaves the statistics (frames and histograms, ~90 % of the bytes) out of it for a tab that
   * does not draw them: {@link takeLater} hands them over, to follow as `appended` data once the tab is drawn.
   * `afterDrawn` (with `statisticsLater`): statistics not read yet are read only once the page said it drew this
   * snapshot ({@link pageDrew}) or 3 s passed: on two cores the read (~1 s of CPU for 100 long runs) otherwise runs
   * beside the page's first render and slows it (docs/performance.md, "First open (session 9)").
   */
  async snapshot(
    tab?: DashboardTab,
    options: { statisticsLater?: boolean; afterDrawn?: boolean } = {},
  ): Promise<SnapshotBody> {
    const generation = ++this.generation;
    this.statisticsPending.clear();
    // A tab without statistics waits only for the curves (metrics.jsonl): the statistics load on and follow.
    if (options.statisticsLater) await this.warmCurves();
    else await this.warm();
    const metas = this.store.list();
    this.selected = knownRuns(this.selected, new Set(metas.map((m) => m.runId)));
    const budget = budgetFor(this.selected.length);
    const full = this.payloads(this.selected, budget);
    this.sent = new Set(full.map((run) => run.info.runId));
    const loading = this.selected.filter((id) => this.sent.has(id) && !this.caches.get(id)?.covers(budget));
    if (!options.statisticsLater) this.later = [];
    else if (loading.length === 0) this.later = statistics(full);
    else {
      // Every compared run's statistics follow together: until then no run's new frames go on their own.
      this.statisticsPending = new Set(this.sent);
      const drawn = options.afterDrawn ? this.untilDrawn() : Promise.resolve();
      this.later = drawn
        .then(() => this.warm())
        .then(
          () => {
            if (generation !== this.generation) return [];
            const ids = this.selected.filter((id) => this.sent.has(id) && this.statisticsPending.has(id));
            this.statisticsPending.clear();
            return statistics(this.payloads(ids, budgetFor(this.selected.length)));
          },
          (error: unknown) => {
            // Unread statistics hold nothing back: new frames go on their own (the channel logs the error).
            if (generation === this.generation) this.statisticsPending.clear();
            throw error;
          },
        );
    }
    const runs = options.statisticsLater ? full.map((run) => ({ ...run, frames: [], histograms: [] })) : full;
    return {
      type: 'snapshot',
      allRuns: metas.map((m) => toListedRunInfo(m)),
      selected: [...this.selected],
      runs,
      ...(tab ? { tab } : {}),
    };
  }

  /** Whether a snapshot for `tab` comes from the caches alone, reading no file first (a reopened dashboard). */
  cached(tab?: DashboardTab): boolean {
    const budget = budgetFor(this.selected.length);
    return this.selected.every((id) => {
      const series = this.caches.get(id);
      return series !== undefined && (statisticsTab(tab) ? series.covers(budget) : series.hasCurves);
    });
  }

  /** The statistics the last snapshot left out (see {@link snapshot}), once: the channel sends them after it. */
  takeLater(): Delta[] | Promise<Delta[]> {
    const later = this.later;
    this.later = [];
    return later;
  }

  /** Turns one store change into messages for the open dashboard (and keeps the caches current). */
  apply(change: RunChange): void {
    const { runId } = change;
    switch (change.kind) {
      case 'created': {
        const meta = this.store.readMeta(runId);
        if (!meta) return;
        this.sink?.queue({ type: 'runs', upsert: [toListedRunInfo(meta)], removed: [] });
        if (this.joins(meta)) {
          this.selected.push(runId);
          void this.sendNew();
        }
        return;
      }
      case 'deleted':
        this.caches.delete(runId);
        this.sent.delete(runId);
        this.selected = this.selected.filter((id) => id !== runId);
        this.sink?.queue({ type: 'runs', upsert: [], removed: [runId] });
        return;
      case 'updated': {
        const series = this.caches.get(runId);
        if (!series && !this.sink) return;
        const meta = this.store.readMeta(runId);
        if (!meta) return;
        // A run that is not compared: its info only updates the page's run list.
        const info = series ? series.updateMeta(meta) : toListedRunInfo(meta);
        this.sink?.append({ runId, info, curves: {}, frames: [], histograms: [] });
        return;
      }
      case 'metrics':
      case 'layers': {
        const delta = this.caches.get(runId)?.add(change.record);
        // Statistics still to follow the snapshot carry this record: sent now, it would arrive before older ones.
        if (change.kind === 'layers' && this.statisticsPending.has(runId)) return;
        if (delta && this.sent.has(runId)) this.sink?.append({ runId, ...delta });
        return;
      }
    }
  }

  /**
   * Whether a new run joins the comparison: always while following or when nothing is compared (the user unticked
   * every run: an empty dashboard shows what starts next), else when it belongs to a compared experiment.
   */
  private joins(meta: RunMeta): boolean {
    if (this.selected.length >= MAX_SELECTED || this.selected.includes(meta.runId)) return false;
    if (this.auto || this.selected.length === 0) return true;
    return this.selected.some((id) => this.store.readMeta(id)?.experiment === meta.experiment);
  }

  /** Loads the compared runs the webview does not hold yet and queues one `selection` message with them. */
  private async sendNew(): Promise<void> {
    const budget = budgetFor(this.selected.length);
    const fresh = this.selected.filter((id) => !this.sent.has(id));
    for (const id of fresh) await this.cache(id)?.load(budget);
    const ids = this.selected.filter(
      (id) => fresh.includes(id) && !this.sent.has(id) && this.caches.get(id)?.covers(budget),
    );
    for (const id of ids) this.sent.add(id);
    this.sink?.queue({ type: 'selection', selected: [...this.selected], runs: this.payloads(ids, budget) });
  }

  private payloads(ids: readonly RunId[], budget: RunBudget): RunPayload[] {
    return ids.flatMap((id) => {
      const series = this.caches.get(id);
      return series ? [series.payload(budget)] : [];
    });
  }

  /** The cache of a run (created on first use, most recently used last), or undefined for an unknown run. */
  private cache(runId: RunId): RunSeries | undefined {
    let series = this.caches.get(runId);
    if (series) {
      this.caches.delete(runId);
    } else {
      const meta = this.store.readMeta(runId);
      if (!meta) return undefined;
      series = new RunSeries(runId, meta, this.store, this.options.curveCache);
    }
    this.caches.set(runId, series);
    return series;
  }

  /** A run left the comparison: its cache shrinks and the oldest idle caches go. */
  private idle(runId: RunId): void {
    this.sent.delete(runId);
    this.statisticsPending.delete(runId);
    this.caches.get(runId)?.shrink(budgetFor(MAX_SELECTED));
    const idle = [...this.caches.keys()].filter((id) => !this.selected.includes(id) || id === runId);
    for (const id of idle.slice(0, Math.max(0, idle.length - IDLE_CACHES))) this.caches.delete(id);
  }
}

/** The statistics of payloads, as `appended` deltas without curves (what a light snapshot left out). */
function statistics(runs: readonly RunPayload[]): Delta[] {
  return runs
    .filter((run) => run.frames.length > 0 || run.histograms.length > 0)
    .map((run) => ({ runId: run.info.runId, curves: {}, frames: run.frames, histograms: run.histograms }));
}
