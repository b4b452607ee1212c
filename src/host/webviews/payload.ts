/**
 * Turns run-store records into what the webviews receive (protocol/webview.ts): run infos, curves, the column-wise
 * statistics frames and histogram frames (encoded once, here), sidebar rows, and the display budgets that keep a
 * compared set of any size within a bounded payload. Pure: no vscode, unit-tested.
 */
import { encodeFrame, round6 } from '../../protocol/frameCodec';
import { evenIndices, lttbIndices, pick } from '../../core/series';
import type { RunId } from '../../protocol/ids';
import type { CurveSeries, FrameColumns, HistogramFrame, RunInfo, SidebarRun } from '../../protocol/webview';
import type { RunConfig } from '../../core/config/experimentConfig';
import type { LayerStatsRecord, MetricRecord, RunMeta, RunOverview, RunSetup } from '../../runs/runTypes';
import type { RunSummary } from '../../protocol/stats';
import { SPARK_POINTS } from '../../runs/runOverview';
import { studyCoordinatesOf } from '../../runs/studyRuns';

/**
 * Display budgets. Totals are shared by the compared runs (each run's share clamped to its range), so 100 compared
 * runs cost about as much as 16: 100 runs get 9 statistics frames, 2 histogram frames and 400 curve points each.
 */
export const BUDGET = {
  curvePointsTotal: 40_000,
  curvePointsPerRun: { min: 250, max: 1000 },
  framesTotal: 960,
  framesPerRun: { min: 8, max: 300 },
  histogramsTotal: 96,
  histogramsPerRun: { min: 2, max: 32 },
  sparkPoints: SPARK_POINTS,
} as const;

/** Per-run share of a total budget, clamped to [min, max]. */
export function share(total: number, runs: number, range: { min: number; max: number }): number {
  return Math.min(range.max, Math.max(range.min, Math.floor(total / Math.max(1, runs))));
}

/** What each of `count` compared runs may send. */
export interface RunBudget {
  frames: number;
  histograms: number;
  curvePoints: number;
}

/** Budgets per run when `count` runs are shown together. */
export function budgetFor(count: number): RunBudget {
  return {
    frames: share(BUDGET.framesTotal, count, BUDGET.framesPerRun),
    histograms: share(BUDGET.histogramsTotal, count, BUDGET.histogramsPerRun),
    curvePoints: share(BUDGET.curvePointsTotal, count, BUDGET.curvePointsPerRun),
  };
}

/** Steps per epoch of a run (totalSteps / epochs), or undefined before the trainer reported totalSteps. */
export function stepsPerEpoch(meta: RunMeta, config: RunConfig | undefined): number | undefined {
  const epochs = config?.train?.epochs;
  return meta.totalSteps !== undefined && typeof epochs === 'number' && epochs > 0
    ? meta.totalSteps / epochs
    : undefined;
}

/**
 * The run's descriptive part: status, progress, layer shapes, and (for compared runs) config (or, for runs from other
 * sources, model description and hyperparameters) and summary.
 */
export function toRunInfo(meta: RunMeta, data?: RunSetup & { summary?: RunSummary }): RunInfo {
  const info: RunInfo = {
    runId: meta.runId,
    name: meta.name,
    status: meta.status,
    mode: meta.mode,
    createdAt: meta.createdAt,
    layers: meta.layers ?? [],
  };
  if (data?.config) info.config = data.config;
  if (data?.model) info.model = data.model;
  if (data?.hyperparameters) info.hyperparameters = data.hyperparameters;
  if (meta.backend) info.backend = meta.backend.name;
  if (meta.source) {
    const { kind, versions, device } = meta.source;
    info.source = { kind, versions, device };
    info.backend ??= kind;
  }
  if (meta.warnings && meta.warnings.length > 0) {
    info.warnings = meta.warnings.map(({ code, message }) => ({ code, message }));
  }
  if (meta.startedAt) info.startedAt = meta.startedAt;
  if (meta.endedAt) info.endedAt = meta.endedAt;
  if (meta.progress) {
    info.step = meta.progress.step;
    info.epoch = meta.progress.epoch;
  }
  if (meta.totalSteps !== undefined) info.totalSteps = meta.totalSteps;
  if (data?.summary) info.summary = data.summary;
  if (meta.failure) info.failure = { reason: meta.failure.reason, message: meta.failure.message };
  info.study = { ...studyCoordinatesOf(meta), file: meta.experiment };
  return info;
}

/**
 * A run's info as the dashboard's run list (`allRuns`, `runs` upserts) carries it: without its layer shapes, which
 * only the compared runs' infos (RunPayload.info) carry and only their views read. They are ~3 kB of a depth-32
 * run's ~3.6-kB info, and the list holds every run of the store: 100 runs were 310 kB of a 1.5-MB first snapshot.
 */
export function toListedRunInfo(meta: RunMeta): RunInfo {
  return { ...toRunInfo(meta), layers: [] };
}

/** An empty name -> series record without a prototype (metric names come from files: `__proto__` is a name). */
export function curveRecord(): Record<string, CurveSeries> {
  return Object.create(null) as Record<string, CurveSeries>;
}

/** Appends one metric record's points to `curves` ('batch_loss' for progress reports). */
export function addMetricPoints(
  curves: Record<string, CurveSeries>,
  r: MetricRecord,
  spe: number | undefined,
): void {
  const push = (name: string, step: number, epoch: number, value: number): void => {
    const c = (curves[name] ??= { step: [], epoch: [], value: [] });
    c.step.push(step);
    c.epoch.push(round6(epoch));
    c.value.push(round6(value));
  };
  if (r.kind === 'progress') push('batch_loss', r.step, spe ? r.step / spe : r.epoch, r.loss);
  else for (const [name, value] of Object.entries(r.metrics)) push(name, r.step, r.epoch + 1, value);
}

/** Groups metric records into one series per metric name ('batch_loss' for progress reports). */
export function toCurves(
  records: readonly MetricRecord[],
  spe: number | undefined,
): Record<string, CurveSeries> {
  const curves = curveRecord();
  for (const r of records) addMetricPoints(curves, r, spe);
  return curves;
}

/** Thins every curve to at most `max` points with LTTB (shape-preserving; NaN/Inf kept). */
export function thinCurves(curves: Record<string, CurveSeries>, max: number): Record<string, CurveSeries> {
  const out = curveRecord();
  for (const [name, c] of Object.entries(curves)) out[name] = pick(c, lttbIndices(c.step, c.value, max));
  return out;
}

/** One statistics record in its column-wise wire form (histograms split off: encodeFrame does not read them). */
export function toFrame(r: LayerStatsRecord): FrameColumns {
  return encodeFrame({ step: r.step, epoch: r.epoch, layers: r.layers });
}

export function toHistogramFrame(r: LayerStatsRecord): HistogramFrame {
  return {
    step: r.step,
    pre: r.layers.map((l) => l.pre.histogram),
    post: r.layers.map((l) => l.post.histogram),
    ...(r.layers.some((l) => l.linear) ? { linear: r.layers.map((l) => l.linear?.histogram ?? null) } : {}),
  };
}

/** Preferred headline metrics, best first. */
const KEY_METRICS = ['val_accuracy', 'val_auc', 'val_mse', 'val_loss', 'accuracy', 'loss'];

/**
 * The sidebar row of a run from its overview: a training-loss sparkline and its headline metric. The row's info
 * leaves out the layer list, which the sidebar never shows (a depth-32 run's is ~2 KB: most of a 500-run snapshot).
 */
export function toSidebarRun(run: RunOverview): SidebarRun {
  const spark = evenIndices(run.losses.length, BUDGET.sparkPoints).map((i) => run.losses[i] as number);
  const source = run.summary?.final ?? run.lastEpoch ?? {};
  const info = { ...toRunInfo(run.meta, run.summary ? { summary: run.summary } : {}), layers: [] };
  const row: SidebarRun = { info, spark };
  const name = KEY_METRICS.find((k) => Object.hasOwn(source, k) && Number.isFinite(source[k]));
  if (name !== undefined) row.keyMetric = { name, value: source[name] as number };
  else if (run.meta.progress) row.keyMetric = { name: 'loss', value: run.meta.progress.loss };
  return row;
}

/** Keeps only ids the store knows, without duplicates, in the given order. */
export function knownRuns(ids: readonly RunId[], known: ReadonlySet<RunId>): RunId[] {
  return [...new Set(ids)].filter((id) => known.has(id));
}
