/**
 * One run's series as the dashboard sends them, kept by the host between snapshots: curves, column-wise statistics
 * frames and histogram frames, already encoded (payload.ts) and thinned, updated record by record from the store's
 * change events. A first load reads a bounded sample of layers.jsonl (seeking, never the whole file) and streams
 * metrics.jsonl, in slices that yield to the event loop, so opening a long run never stalls the extension host.
 * With a CurveCache, a read of metrics.jsonl starts from the curves a previous read stored, where it stopped.
 */
import { resolve } from 'node:path';
import { evenByKey, lttbIndices, pick } from '../../core/series';
import type { RunId } from '../../protocol/ids';
import type { CurveSeries, FrameColumns, HistogramFrame, RunInfo, RunPayload } from '../../protocol/webview';
import type { LayerStatsRecord, MetricRecord, RunMeta, RunStoreApi } from '../../runs/runTypes';
import { isTerminal } from '../../core/runStatus';
import type { CurveCache } from './curveCache';
import {
  addMetricPoints,
  curveRecord,
  stepsPerEpoch,
  toFrame,
  toHistogramFrame,
  toRunInfo,
  type RunBudget,
} from './payload';

/** Bytes of metrics.jsonl read per slice, and the layer records read per slice, of a first load. */
const METRICS_SLICE_BYTES = 2 * 1024 * 1024;
const LAYERS_PER_SLICE = 16;
/** A curve keeps at most this many times its budget before it is thinned (LTTB) to twice its budget. */
const CURVE_SLACK = 4;

/** Yields to the event loop (between slices of a first load). */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** What a new record adds to what the webview holds, in wire form. */
export interface SeriesDelta {
  curves: Record<string, CurveSeries>;
  frames: FrameColumns[];
  histograms: HistogramFrame[];
}

/** Keeps the items of `items` (sorted by step) at most `max`, evenly over their steps. */
function thinBySteps<T extends { step: number }>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  return evenByKey(
    items.map((item) => item.step),
    max,
  ).map((i) => items[i] as T);
}

export class RunSeries {
  info: RunInfo;
  private spe: number | undefined;
  private curves = curveRecord();
  private frames: FrameColumns[] = [];
  private histograms: HistogramFrame[] = [];
  /** Frames and histograms this cache was loaded for (it keeps up to twice as many as records arrive). */
  private resolution = { frames: 0, histograms: 0, curvePoints: 0 };
  private lastStep = { progress: -1, epoch: -1, layers: -1 };
  private loading: Promise<void> | undefined;
  private loaded = false;
  /** The curves (metrics.jsonl) are read for `resolution.curvePoints`: the statistics may not be. */
  private curvesLoaded = false;
  /** Records that arrived while the first load was reading the files. */
  private pending: (MetricRecord | LayerStatsRecord)[] = [];

  constructor(
    readonly runId: RunId,
    meta: RunMeta,
    private readonly store: RunStoreApi,
    private readonly curveCache?: CurveCache,
  ) {
    this.info = toRunInfo(meta);
  }

  /** True when this cache holds enough for `budget` (else load() reads the files again at the higher budget). */
  covers(budget: RunBudget): boolean {
    return (
      this.loaded &&
      this.resolution.frames >= budget.frames &&
      this.resolution.histograms >= budget.histograms &&
      this.resolution.curvePoints >= budget.curvePoints
    );
  }

  /** True when the curves are read (a dashboard on the Curves tab can draw the run while its statistics load). */
  get hasCurves(): boolean {
    return this.curvesLoaded || this.loaded;
  }

  /**
   * Resolves once the run's curves are read for `budget` (the statistics may still be loading: `load` goes on).
   * metrics.jsonl is read before the statistics, and the statistics are ~90 % of a first load's time.
   */
  loadCurves(budget: RunBudget): Promise<void> {
    if (this.coversCurves(budget)) return Promise.resolve();
    return this.chain(() => (this.coversCurves(budget) ? Promise.resolve() : this.readCurves(budget)));
  }

  /** Reads the run's files for `budget` (once; again only for a larger budget), in slices. */
  load(budget: RunBudget): Promise<void> {
    if (this.covers(budget)) return Promise.resolve();
    return this.chain(async () => {
      if (this.covers(budget)) return;
      if (!this.coversCurves(budget)) await this.readCurves(budget);
      await this.readStatistics(budget);
    });
  }

  private coversCurves(budget: RunBudget): boolean {
    return this.covers(budget) || (this.curvesLoaded && this.resolution.curvePoints >= budget.curvePoints);
  }

  /**
   * Runs `read` after the loads already asked for (one read of the files at a time). A failed load rejects its own
   * callers only: the next load reads again, and `loading` is cleared once the last load settles.
   */
  private chain(read: () => Promise<void>): Promise<void> {
    const next = (this.loading ?? Promise.resolve()).catch(() => undefined).then(read);
    const tracked = next.finally(() => {
      if (this.loading === tracked) this.loading = undefined;
    });
    this.loading = tracked;
    return tracked;
  }

  /** Updates the run's info from its meta (a status change brings config, summary and steps per epoch). */
  updateMeta(meta: RunMeta): RunInfo {
    const summary = isTerminal(meta.status)
      ? (this.info.summary ?? this.store.readSummary(this.runId))
      : undefined;
    this.info = toRunInfo(meta, {
      ...(this.info.config ? { config: this.info.config } : {}),
      ...(this.info.model ? { model: this.info.model } : {}),
      ...(this.info.hyperparameters ? { hyperparameters: this.info.hyperparameters } : {}),
      ...(summary ? { summary } : {}),
    });
    this.spe ??= stepsPerEpoch(meta, this.info.config);
    return this.info;
  }

  /**
   * Adds a record that was just written; returns what to send, or undefined (duplicate, or not loaded yet). Once
   * the curves are read, metric records are added (and returned) while the statistics still load.
   */
  add(record: MetricRecord | LayerStatsRecord): SeriesDelta | undefined {
    if (!this.loaded && this.curvesLoaded && !('layers' in record)) return this.addMetric(record);
    if (!this.loaded) {
      if (this.loading) this.pending.push(record);
      return undefined;
    }
    return 'layers' in record ? this.addLayers(record) : this.addMetric(record);
  }

  /** The payload for `budget` from what is cached (no file is read). */
  payload(budget: RunBudget): RunPayload {
    const curves = curveRecord();
    for (const [name, c] of Object.entries(this.curves)) {
      curves[name] = pick(c, lttbIndices(c.step, c.value, budget.curvePoints));
    }
    return {
      info: this.info,
      curves,
      frames: thinBySteps(this.frames, budget.frames),
      histograms: thinBySteps(this.histograms, budget.histograms),
    };
  }

  /** Drops detail beyond `budget` (a run no longer compared keeps a small cache for a quick reopen). */
  shrink(budget: RunBudget): void {
    this.frames = thinBySteps(this.frames, budget.frames);
    this.histograms = thinBySteps(this.histograms, budget.histograms);
    for (const [name, c] of Object.entries(this.curves)) {
      this.curves[name] = pick(c, lttbIndices(c.step, c.value, budget.curvePoints));
    }
    this.resolution = { ...budget };
  }

  /** Reads meta, setup, summary and metrics.jsonl (in slices): the curves, new from the file. */
  private async readCurves(budget: RunBudget): Promise<void> {
    const { store, runId } = this;
    const meta = store.readMeta(runId);
    const setup = store.readSetup(runId) ?? {};
    if (meta) {
      const summary = isTerminal(meta.status) ? store.readSummary(runId) : undefined;
      this.info = toRunInfo(meta, { ...setup, ...(summary ? { summary } : {}) });
      this.spe = stepsPerEpoch(meta, setup.config);
    }
    this.loaded = false;
    this.curvesLoaded = false;
    this.resolution.curvePoints = budget.curvePoints;
    this.curves = curveRecord();
    this.lastStep.progress = -1;
    this.lastStep.epoch = -1;
    const { spe, resolution } = this; // shrink() replaces resolution (and thins the curves)
    const restored = this.restoreCurves(budget);
    let offset = restored;
    for (let more = true; more;) {
      const read = store.readRecords(runId, 'metrics', (r) => this.readMetric(r), {
        ...(offset !== undefined ? { offset } : {}),
        maxBytes: METRICS_SLICE_BYTES,
      });
      offset = read.offset;
      more = read.more;
      await nextTurn();
    }
    // The curves are now those of the file's records up to `offset` (records that arrived meanwhile, below, are in
    // the file after `offset` or are duplicates): what a later read can go on from, unless shrunk or recomputed.
    const unchanged = spe === this.spe && resolution === this.resolution;
    if (offset !== undefined && offset !== restored && unchanged) this.saveCurves(offset);
    // Metric records that arrived meanwhile are added in order (layer records wait for the statistics).
    this.curvesLoaded = true;
    const metrics = this.pending.filter((r): r is MetricRecord => !('layers' in r));
    this.pending = this.pending.filter((r) => 'layers' in r);
    for (const record of metrics) this.readMetric(record);
  }

  /** Where the curve cache keeps this run's curves: its directory's path (unique across stores). */
  private get cacheKey(): string {
    return resolve(this.store.runDir(this.runId));
  }

  /** Restores the curves the cache holds for this read, if metrics.jsonl still holds their bytes; their offset. */
  private restoreCurves(budget: RunBudget): number | undefined {
    const want = { curvePoints: budget.curvePoints, stepsPerEpoch: this.spe ?? null };
    const stampAt = (offset: number) => this.store.seriesFileStamp(this.runId, 'metrics', offset);
    const entry = this.curveCache?.find(this.cacheKey, want, stampAt);
    if (!entry) return undefined;
    this.curves = entry.curves;
    this.lastStep.progress = entry.lastStep.progress;
    this.lastStep.epoch = entry.lastStep.epoch;
    return entry.offset;
  }

  /** Stores the curves read from metrics.jsonl up to `offset` (in the background; a failure only loses the entry). */
  private saveCurves(offset: number): void {
    const stamp =
      this.curveCache && offset > 0 ? this.store.seriesFileStamp(this.runId, 'metrics', offset) : undefined;
    if (!this.curveCache || !stamp) return;
    void this.curveCache.put(this.cacheKey, {
      curvePoints: this.resolution.curvePoints,
      stepsPerEpoch: this.spe ?? null,
      offset,
      tail: stamp.tail,
      lastStep: { progress: this.lastStep.progress, epoch: this.lastStep.epoch },
      curves: this.curves,
    });
  }

  /** Reads a bounded sample of the statistics (frames.jsonl, layers.jsonl), in slices. */
  private async readStatistics(budget: RunBudget): Promise<void> {
    const { store, runId } = this;
    this.loaded = false;
    this.resolution = { ...budget, curvePoints: this.resolution.curvePoints };
    this.frames = [];
    this.histograms = [];
    this.lastStep.layers = -1;
    // Frames from frames.jsonl (written in wire form), histograms from a few layers.jsonl lines; runs without a
    // frames file (older versions, other writers) take both from a sample of layers.jsonl.
    const framePlan = store.planFrameSamples(runId, budget.frames);
    if (framePlan) {
      for (let i = 0; i < framePlan.starts.length; i += 4 * LAYERS_PER_SLICE) {
        for (const frame of store.readFramesAt(runId, framePlan.starts.slice(i, i + 4 * LAYERS_PER_SLICE))) {
          this.addFrame(frame);
        }
        await nextTurn();
      }
    }
    const { starts } = store.planLayerSamples(runId, framePlan ? budget.histograms : budget.frames);
    await nextTurn();
    const records: LayerStatsRecord[] = [];
    for (let i = 0; i < starts.length; i += LAYERS_PER_SLICE) {
      records.push(...store.readLayersAt(runId, starts.slice(i, i + LAYERS_PER_SLICE)));
      await nextTurn();
    }
    const histogramSteps = new Set(
      evenByKey(
        records.map((r) => r.step),
        budget.histograms,
      ).map((i) => (records[i] as LayerStatsRecord).step),
    );
    for (const record of records) {
      if (!framePlan) this.addFrame(toFrame(record));
      if (histogramSteps.has(record.step)) this.addHistogram(toHistogramFrame(record));
    }
    // The frames decide which records are new: the histogram sample, read after them, may already hold records that
    // arrived during the load (pending below), and their frames must not be taken for duplicates.
    if (!framePlan) this.lastStep.layers = Math.max(this.lastStep.layers, ...records.map((r) => r.step));
    this.loaded = true;
    const pending = this.pending;
    this.pending = [];
    for (const record of pending) this.add(record);
  }

  /** Whether a metric record is new (each kind in step order: an older or repeated step is a duplicate); notes it. */
  private takeMetric(r: MetricRecord): boolean {
    const last = r.kind === 'progress' ? this.lastStep.progress : this.lastStep.epoch;
    const key = r.kind === 'progress' ? r.step : r.epoch;
    if (key <= last) return false;
    if (r.kind === 'progress') this.lastStep.progress = r.step;
    else this.lastStep.epoch = r.epoch;
    return true;
  }

  /** Thins curve `name` with LTTB to twice its budget once it holds more than CURVE_SLACK times the budget. */
  private thinCurve(name: string): void {
    const c = this.curves[name];
    const max = Math.max(1, this.resolution.curvePoints);
    if (c && c.step.length > CURVE_SLACK * max) {
      this.curves[name] = pick(c, lttbIndices(c.step, c.value, 2 * max));
    }
  }

  /** A new record: added to the curves, and returned as the delta to send. */
  private addMetric(r: MetricRecord): SeriesDelta | undefined {
    if (!this.takeMetric(r)) return undefined;
    const added = curveRecord();
    addMetricPoints(added, r, this.spe);
    for (const [name, points] of Object.entries(added)) {
      const c = (this.curves[name] ??= { step: [], epoch: [], value: [] });
      c.step.push(...points.step);
      c.epoch.push(...points.epoch);
      c.value.push(...points.value);
      this.thinCurve(name);
    }
    return { curves: added, frames: [], histograms: [] };
  }

  /**
   * A record of a first load's read of metrics.jsonl: the same points as {@link addMetric} in the same curves, pushed
   * straight in (no delta is made: nothing is sent). A profile of the first read of 100 runs (100,000 records) had
   * addMetric's per-record objects and arrays at ~90 of ~340 ms of CPU, with their collection.
   */
  private readMetric(r: MetricRecord): void {
    if (!this.takeMetric(r)) return;
    addMetricPoints(this.curves, r, this.spe);
    if (r.kind === 'progress') this.thinCurve('batch_loss');
    else for (const name of Object.keys(r.metrics)) this.thinCurve(name);
  }

  private addLayers(r: LayerStatsRecord): SeriesDelta | undefined {
    if (r.step <= this.lastStep.layers || r.layers.length === 0) return undefined;
    this.lastStep.layers = r.step;
    const frame = toFrame(r);
    const histogram = toHistogramFrame(r);
    this.addFrame(frame);
    this.addHistogram(histogram);
    return { curves: curveRecord(), frames: [frame], histograms: [histogram] };
  }

  /** Keeps a frame (in step order: older steps than the last kept one are dropped), thinning past twice the budget. */
  private addFrame(frame: FrameColumns): void {
    if (frame.step <= (this.frames.at(-1)?.step ?? -1)) return;
    this.frames.push(frame);
    this.lastStep.layers = Math.max(this.lastStep.layers, frame.step);
    if (this.frames.length > 2 * Math.max(2, this.resolution.frames)) {
      this.frames = thinBySteps(this.frames, this.resolution.frames);
    }
  }

  private addHistogram(histogram: HistogramFrame): void {
    if (histogram.step <= (this.histograms.at(-1)?.step ?? -1)) return;
    this.histograms.push(histogram);
    if (this.histograms.length > 2 * Math.max(2, this.resolution.histograms)) {
      this.histograms = thinBySteps(this.histograms, this.resolution.histograms);
    }
  }
}
