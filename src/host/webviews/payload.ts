/**
 * Turns run-store records into what the webviews receive (protocol/webview.ts), thinning long series with
 * src/core/series.ts so a 1,000-snapshot run never reaches the webview whole. Pure: no vscode, unit-tested.
 */
import { encodeFrame, round6 } from '../../protocol/frameCodec';
import { evenIndices, lttbIndices, pick, thin } from '../../core/series';
import type { RunId } from '../../protocol/ids';
import type { LayerStats } from '../../protocol/stats';
import type {
  CurveSeries,
  FrameColumns,
  HistogramFrame,
  LayerPoint,
  RunInfo,
  RunPayload,
  SidebarRun,
} from '../../protocol/webview';
import type { LayerStatsRecord, MetricRecord, RunData, RunMeta } from '../../runs/runTypes';

/** Display budgets. Frame budgets are shared by the selected runs, so 16 compared runs stay as cheap as 2. */
export const BUDGET = {
  curvePoints: 1000,
  framesTotal: 640,
  framesPerRun: { min: 32, max: 300 },
  histogramsTotal: 96,
  histogramsPerRun: { min: 4, max: 32 },
  sparkPoints: 48,
} as const;

/** Per-run share of a total budget, clamped to [min, max]. */
export function share(total: number, runs: number, range: { min: number; max: number }): number {
  return Math.min(range.max, Math.max(range.min, Math.floor(total / Math.max(1, runs))));
}

/** Steps per epoch of a run (totalSteps / epochs), or undefined before the trainer reported totalSteps. */
function stepsPerEpoch(meta: RunMeta, epochs: number): number | undefined {
  return meta.totalSteps !== undefined && epochs > 0 ? meta.totalSteps / epochs : undefined;
}

/** The run's descriptive part: status, progress, layer shapes, config and summary. */
export function toRunInfo(meta: RunMeta, data?: Pick<RunData, 'config' | 'summary'>): RunInfo {
  const info: RunInfo = {
    runId: meta.runId,
    name: meta.name,
    status: meta.status,
    mode: meta.mode,
    createdAt: meta.createdAt,
    layers: meta.layers ?? [],
  };
  if (data?.config) info.config = data.config;
  if (meta.backend) info.backend = meta.backend.name;
  if (meta.startedAt) info.startedAt = meta.startedAt;
  if (meta.endedAt) info.endedAt = meta.endedAt;
  if (meta.progress) {
    info.step = meta.progress.step;
    info.epoch = meta.progress.epoch;
  }
  if (meta.totalSteps !== undefined) info.totalSteps = meta.totalSteps;
  if (data?.summary) info.summary = data.summary;
  if (meta.failure) info.failure = { reason: meta.failure.reason, message: meta.failure.message };
  return info;
}

/** Groups metric records into one series per metric name ('batch_loss' for progress reports). */
export function toCurves(
  records: readonly MetricRecord[],
  spe: number | undefined,
): Record<string, CurveSeries> {
  const curves: Record<string, CurveSeries> = {};
  const push = (name: string, step: number, epoch: number, value: number): void => {
    const c = (curves[name] ??= { step: [], epoch: [], value: [] });
    c.step.push(step);
    c.epoch.push(round6(epoch));
    c.value.push(round6(value));
  };
  for (const r of records) {
    if (r.kind === 'progress') push('batch_loss', r.step, spe ? r.step / spe : r.epoch, r.loss);
    else for (const [name, value] of Object.entries(r.metrics)) push(name, r.step, r.epoch + 1, value);
  }
  return curves;
}

/** Thins every curve to at most `max` points with LTTB (shape-preserving; NaN/Inf kept). */
export function thinCurves(curves: Record<string, CurveSeries>, max: number): Record<string, CurveSeries> {
  const out: Record<string, CurveSeries> = {};
  for (const [name, c] of Object.entries(curves)) out[name] = pick(c, lttbIndices(c.step, c.value, max));
  return out;
}

/** A LayerStats without its two histograms. */
export function toLayerPoint(s: LayerStats): LayerPoint {
  const { histogram: _pre, ...pre } = s.pre;
  const { histogram: _post, ...post } = s.post;
  return { ...s, pre, post };
}

/** One statistics record in its column-wise wire form (histograms split off). */
export function toFrame(r: LayerStatsRecord): FrameColumns {
  return encodeFrame({ step: r.step, epoch: r.epoch, layers: r.layers.map(toLayerPoint) });
}

export function toHistogramFrame(r: LayerStatsRecord): HistogramFrame {
  return {
    step: r.step,
    pre: r.layers.map((l) => l.pre.histogram),
    post: r.layers.map((l) => l.post.histogram),
  };
}

/** Everything the dashboard shows of one run, within the given frame budgets. */
export function toRunPayload(data: RunData, budget: { frames: number; histograms: number }): RunPayload {
  const spe = stepsPerEpoch(data.meta, data.config.train.epochs);
  return {
    info: toRunInfo(data.meta, data),
    curves: thinCurves(toCurves(data.metrics, spe), BUDGET.curvePoints),
    frames: thin(data.layers, budget.frames).map(toFrame),
    histograms: thin(data.layers, budget.histograms).map(toHistogramFrame),
  };
}

/** Budgets per run when `count` runs are shown together. */
export function budgetFor(count: number): { frames: number; histograms: number } {
  return {
    frames: share(BUDGET.framesTotal, count, BUDGET.framesPerRun),
    histograms: share(BUDGET.histogramsTotal, count, BUDGET.histogramsPerRun),
  };
}

/** Preferred headline metrics, best first. */
const KEY_METRICS = ['val_accuracy', 'val_auc', 'val_mse', 'val_loss', 'accuracy', 'loss'];

/** The sidebar row of a run: a training-loss sparkline and its headline metric. */
export function toSidebarRun(data: RunData): SidebarRun {
  const losses = data.metrics.filter((r) => r.kind === 'progress').map((r) => r.loss);
  const spark = evenIndices(losses.length, BUDGET.sparkPoints).map((i) => losses[i] as number);
  const lastEpoch = [...data.metrics].reverse().find((r) => r.kind === 'epoch');
  const source = data.summary?.final ?? (lastEpoch?.kind === 'epoch' ? lastEpoch.metrics : {});
  const row: SidebarRun = { info: toRunInfo(data.meta, data), spark };
  const name = KEY_METRICS.find((k) => Number.isFinite(source[k]));
  if (name !== undefined) row.keyMetric = { name, value: source[name] as number };
  else if (data.meta.progress) row.keyMetric = { name: 'loss', value: data.meta.progress.loss };
  return row;
}

/** Keeps only ids the store knows, without duplicates, in the given order. */
export function knownRuns(ids: readonly RunId[], known: ReadonlySet<RunId>): RunId[] {
  return [...new Set(ids)].filter((id) => known.has(id));
}
